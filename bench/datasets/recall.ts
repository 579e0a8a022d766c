import { assertArg } from '../../src/errors.js';
import type { Metric } from './dataset.js';
import { exactDistance } from './groundtruth.js';

/**
 * Recall@k, the fraction of the true k nearest neighbours a search returns among its first k results,
 * averaged over queries.
 *
 * Two definitions, because ties by distance make "the true k nearest" ambiguous:
 *
 * - `recallAtK` (by id): |found[0..k) ∩ truth[0..k)| / k. When several train points tie with the k-th true
 *   neighbour, `truth` holds only those with the smallest index (computeGroundTruth's rule), so a search that
 *   returns an equally near point with a larger index is charged a miss. A returned id counts once however
 *   often it repeats; a list shorter than k simply finds fewer.
 *
 * - `annBenchmarksRecall` (by distance, ann-benchmarks' `knn` metric, Aumüller et al. 2018,
 *   `ann_benchmarks/plotting/metrics.py`): a returned point counts when its true distance to the query is at
 *   most the k-th true distance + ε (ε = 1e-3 there). Any point tied with the k-th neighbour therefore counts,
 *   and so does one within ε of it, which forgives float rounding in the index's distance code. Distances must
 *   be true distances of the returned ids (use `trueDistances`), not the index's estimates. As in
 *   ann-benchmarks, a repeated id counts each time, so pass de-duplicated results.
 *
 * On data without ties (and ε below the gap between neighbours) the two agree.
 */
export function recallPerQuery(
  found: ArrayLike<number>[],
  truth: Int32Array,
  truthK: number,
  k: number,
): Float64Array {
  checkShapes(found.length, truth.length, truthK, k);
  const out = new Float64Array(found.length);
  const truthRow = new Set<number>();
  const counted = new Set<number>();
  for (let q = 0; q < found.length; q++) {
    truthRow.clear();
    counted.clear();
    for (let t = 0; t < k; t++) {
      const id = truth[q * truthK + t]!;
      if (id >= 0) truthRow.add(id);
    }
    const row = found[q]!;
    const m = Math.min(k, row.length);
    let hits = 0;
    for (let t = 0; t < m; t++) {
      const id = row[t]!;
      if (truthRow.has(id) && !counted.has(id)) {
        counted.add(id);
        hits++;
      }
    }
    out[q] = hits / k;
  }
  return out;
}

/** Mean id-based recall@k over queries (see above). `truth` is queries × truthK, nearest first, k ≤ truthK. */
export function recallAtK(found: ArrayLike<number>[], truth: Int32Array, truthK: number, k: number): number {
  return mean(recallPerQuery(found, truth, truthK, k));
}

/**
 * ann-benchmarks' recall: `foundDistances[q]` are the true distances of the ids returned for query q (first k
 * used), `truthDistances` is queries × truthK, ascending. Counts returned points with distance ≤ d_k + epsilon.
 */
export function annBenchmarksRecall(
  foundDistances: ArrayLike<number>[],
  truthDistances: Float32Array,
  truthK: number,
  k: number,
  epsilon = 1e-3,
): number {
  checkShapes(foundDistances.length, truthDistances.length, truthK, k);
  assertArg(Number.isFinite(epsilon) && epsilon >= 0, 'INVALID_ARGUMENT', 'epsilon must be finite and >= 0');
  let total = 0;
  for (let q = 0; q < foundDistances.length; q++) {
    const threshold = truthDistances[q * truthK + k - 1]! + epsilon;
    const row = foundDistances[q]!;
    const m = Math.min(k, row.length);
    let hits = 0;
    for (let t = 0; t < m; t++) if (row[t]! <= threshold) hits++;
    total += hits / k;
  }
  return total / foundDistances.length;
}

/** True distances of returned ids, for `annBenchmarksRecall`; an id of −1 (no result) maps to +Infinity. */
export function trueDistances(
  found: ArrayLike<number>[],
  train: Float32Array,
  test: Float32Array,
  dimension: number,
  metric: Metric,
): Float64Array[] {
  const n = train.length / dimension;
  assertArg(found.length === test.length / dimension, 'DIMENSION_MISMATCH', 'one result list per test row');
  return found.map((row, q) => {
    const out = new Float64Array(row.length);
    for (let t = 0; t < row.length; t++) {
      const id = row[t]!;
      if (id === -1) out[t] = Number.POSITIVE_INFINITY;
      else {
        assertArg(
          Number.isInteger(id) && id >= 0 && id < n,
          'INVALID_ID',
          `query ${q}: id ${id} not in [0, ${n})`,
        );
        out[t] = exactDistance(train, test, dimension, metric, q, id);
      }
    }
    return out;
  });
}

function checkShapes(queries: number, truthLength: number, truthK: number, k: number): void {
  assertArg(
    Number.isSafeInteger(truthK) && truthK >= 1,
    'INVALID_ARGUMENT',
    'truthK must be a positive integer',
  );
  assertArg(
    Number.isSafeInteger(k) && k >= 1 && k <= truthK,
    'INVALID_ARGUMENT',
    `k must be in [1, ${truthK}]`,
  );
  assertArg(queries > 0, 'INVALID_ARGUMENT', 'no queries');
  assertArg(
    truthLength === queries * truthK,
    'DIMENSION_MISMATCH',
    `truth holds ${truthLength} entries, expected ${queries} queries × ${truthK}`,
  );
}

function mean(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
