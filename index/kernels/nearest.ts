/**
 * The collection's index as the kernel module's NearestFn. The module asks for neighbours synchronously, one
 * query at a time, inside a synchronous computation; the collection's search is asynchronous. So the searches
 * run first (`searchNeighbours`), their ids are mapped to rows of the view in the same synchronous step as the
 * kernel computation (no write can move rows in between), and the NearestFn hands those rows back in query
 * order, checking that it is asked about the query it searched for.
 *
 * Which rows the search finds depends on the collection's metric: L2-nearest for `l2`, largest inner product
 * for `dot`, and both for `cosine` (unit vectors, queries normalised). When the metric disagrees with the
 * kernel (an `l2` collection with the exponential kernel, a `dot` collection with Gaussian or Laplacian
 * kernels) the neighbours are not the heaviest entries: DEANN and the matvec stay unbiased (the rest is
 * sampled outside whatever set was returned), but the error is larger and the matvec ε bound is heuristic.
 */
import { DitherError } from '../../src/errors.js';
import type { NearestFn } from '../../src/kernels/index.js';
import type { Collection } from '../collection.js';
import type { PointId } from '../types.js';
import type { KernelPointView } from './point-view.js';

/** Ids of the `m` best points per query, by the collection's own search (reranked from originals when stored). */
export async function searchNeighbours(
  collection: Collection,
  queries: readonly Float64Array[],
  m: number,
): Promise<PointId[][]> {
  const out: PointId[][] = [];
  if (m <= 0) return queries.map(() => []);
  for (const q of queries) {
    const hits = await collection.search(q, { k: m });
    out.push(hits.map((h) => h.id));
  }
  return out;
}

/**
 * A NearestFn over precomputed neighbour ids. Call only in the synchronous step that also reads the view's
 * PointSet: ids deleted since the search are skipped, the rest become rows of the view as it is now.
 */
export function precomputedNearest(
  view: KernelPointView,
  queries: readonly Float64Array[],
  neighbourIds: readonly PointId[][],
): NearestFn {
  const rows = neighbourIds.map((ids) => {
    const r: number[] = [];
    for (const id of ids) {
      const row = view.row(id);
      if (row !== undefined) r.push(row);
    }
    return r;
  });
  let next = 0;
  return (query, m) => {
    const i = next++;
    const expected = queries[i];
    if (expected === undefined || !sameVector(expected, query))
      throw new DitherError('INTERNAL', 'nearest() called out of query order');
    const r = rows[i]!;
    return { indices: r.length > m ? r.slice(0, m) : r };
  };
}

function sameVector(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
