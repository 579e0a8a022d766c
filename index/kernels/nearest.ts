/**
 * The collection's index as the kernel module's NearestFn. The module asks for neighbours synchronously, one
 * query at a time, inside a synchronous computation; the collection's search is asynchronous. So the searches
 * run first (`searchCandidates`), their ids are mapped to rows of the view in the same synchronous step as the
 * kernel computation (no write can move rows in between), and the NearestFn hands rows back in query order,
 * checking that it is asked about the query it searched for.
 *
 * Candidates, then exact order from the view. The search asks for CANDIDATE_FACTOR·m codes without the
 * collection's rerank (which reads originals from LevelDB one at a time: on Fashion-MNIST a k = 100 search
 * with rerank cost more than the kernel sums it served), and the m best candidates are then chosen by the
 * kernel's own order from the originals already in the view: smallest Euclidean distance for the Gaussian and
 * Laplacian kernels, largest inner product for the exponential kernel. The candidate pool comes from the
 * collection's metric, so when it disagrees with the kernel (an `l2` collection with the exponential kernel,
 * a `dot` collection with a distance kernel) the m rows are the best of a pool that may miss the heaviest
 * entries: DEANN and the matvec stay unbiased (the rest is sampled outside whatever set was returned), but the
 * error is larger and the matvec ε bound is heuristic.
 */
import { DitherError } from '../../src/errors.js';
import type { NearestFn } from '../../src/kernels/index.js';
import type { Collection } from '../collection.js';
import type { PointId } from '../types.js';
import type { KernelPointView } from './point-view.js';

/** Candidates searched per neighbour wanted (the collection's default oversampling for its own rerank). */
export const CANDIDATE_FACTOR = 4;
/** The collection's search returns at most this many results. */
const MAX_SEARCH_K = 10_000;

/** Candidate ids for the `m` best points per query, from the collection's index over codes (no rerank). */
export async function searchCandidates(
  collection: Collection,
  queries: readonly Float64Array[],
  m: number,
  total: number,
): Promise<PointId[][]> {
  const k = Math.min(total, m * CANDIDATE_FACTOR, MAX_SEARCH_K);
  if (k <= 0) return queries.map(() => []);
  const out: PointId[][] = [];
  for (const q of queries) {
    const hits = await collection.search(q, { k, rerank: false });
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
  candidateIds: readonly PointId[][],
  order: 'distance' | 'inner-product',
): NearestFn {
  let next = 0;
  return (query, m) => {
    const i = next++;
    const expected = queries[i];
    if (expected === undefined || !sameVector(expected, query))
      throw new DitherError('INTERNAL', 'nearest() called out of query order');
    const rows: number[] = [];
    for (const id of candidateIds[i]!) {
      const row = view.row(id);
      if (row !== undefined) rows.push(row);
    }
    if (rows.length <= m) return { indices: rows };
    // Sort keys: squared distance, or minus the inner product, so ascending order is best first.
    const keys = new Float64Array(rows.length);
    const d = view.dimension;
    const data = view.pointSet().data;
    for (let t = 0; t < rows.length; t++) {
      const o = rows[t]! * d;
      let s = 0;
      if (order === 'distance')
        for (let c = 0; c < d; c++) {
          const diff = query[c]! - data[o + c]!;
          s += diff * diff;
        }
      else {
        for (let c = 0; c < d; c++) s += query[c]! * data[o + c]!;
        s = -s;
      }
      keys[t] = s;
    }
    const idx = Array.from(rows.keys()).sort((a, b) => keys[a]! - keys[b]!);
    return { indices: idx.slice(0, m).map((t) => rows[t]!) };
  };
}

/** The order in which a kernel's heaviest entries come first. */
export function kernelOrder(type: 'gaussian' | 'laplacian' | 'exponential'): 'distance' | 'inner-product' {
  return type === 'exponential' ? 'inner-product' : 'distance';
}

function sameVector(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
