import type { PointPredicate } from '../src/filter/index.js';
import type { PreparedQuery } from '../src/quantizer/index.js';
import type { Quantizer } from '../src/quantizer/quantizer.js';
import { TopK } from '../src/topk.js';
import type { InvertedList } from './lists.js';
import type { Metric, Payload, PointId } from './types.js';

/**
 * The scan half of a search: walk the probed lists, score every code that passes the filter with the unbiased
 * estimator, keep the best `capacity` by estimate. Keys are "larger is better" for every metric:
 * ⟨q, x⟩ for dot and cosine (vectors normalised), −‖q − x‖² for l2.
 */
export interface Candidate {
  id: PointId;
  payload: Payload | undefined;
  key: number;
  /** One sigma of `key`. */
  se: number;
}

export interface ScanInput {
  quantizer: Quantizer;
  prepared: PreparedQuery;
  query: Float64Array;
  metric: Metric;
  lists: InvertedList[];
  centroids: Float32Array | null;
  centroidSquaredNorms: Float64Array | null;
  order: number[];
  predicate: PointPredicate | null;
  capacity: number;
  /** Scan lists in `order` until this many points matched (filtered searches probe further when needed). */
  minMatches: number;
  /** At least this many lists are scanned even when enough points matched. */
  minLists: number;
}

export function scanLists(input: ScanInput): { candidates: Candidate[]; scanned: number } {
  const { quantizer, prepared, query, metric, lists, centroids, order, predicate, capacity } = input;
  const d = quantizer.dimension;
  const B = quantizer.bytesPerCode;
  const qq = prepared.squaredNorm;
  const heap = new TopK(capacity);
  const refsList: number[] = [];
  const refsSlot: number[] = [];
  // Per list, ‖q − c‖/‖q‖: residual estimates carry a control variate (lists.ts `corrections`), so their error
  // scales with the query's distance to the centroid; the standard error is rescaled to match.
  const seRatio = new Float64Array(lists.length).fill(1);
  let matched = 0;
  let scanned = 0;
  let listsScanned = 0;
  let estimates = new Float64Array(256);
  for (const l of order) {
    if (listsScanned >= input.minLists && matched >= input.minMatches) break;
    listsScanned++;
    const list = lists[l];
    if (list === undefined || list.size === 0) continue;
    let centerDot = 0;
    if (centroids !== null) {
      const o = l * d;
      for (let j = 0; j < d; j++) centerDot += query[j]! * centroids[o + j]!;
    }
    if (input.centroidSquaredNorms !== null && qq > 0)
      seRatio[l] = Math.sqrt(Math.max(0, qq - 2 * centerDot + input.centroidSquaredNorms[l]!) / qq);
    const { codes, scales, dithers, squaredNorms, corrections, ids, payloads } = list;
    // One batched call per list (WebAssembly SIMD when available); filtered-out slots are scored and ignored.
    if (estimates.length < list.size) estimates = new Float64Array(Math.max(list.size, 2 * estimates.length));
    prepared.scanList(codes, list.size, scales, dithers, centerDot, estimates);
    for (let slot = 0; slot < list.size; slot++) {
      if (predicate !== null && !predicate(ids[slot]!, payloads[slot])) continue;
      matched++;
      const ip = estimates[slot]! + corrections[slot]!;
      const key = metric === 'l2' ? 2 * ip - squaredNorms[slot]! - qq : ip;
      if (heap.full && key <= heap.threshold) continue;
      const ref = refsList.length;
      refsList.push(l);
      refsSlot.push(slot);
      heap.push(key, ref);
    }
    scanned += list.size;
  }
  const candidates: Candidate[] = [];
  const seFactor = metric === 'l2' ? 2 : 1;
  for (const i of heap.sortedOrder()) {
    const ref = heap.refs[i]!;
    const list = lists[refsList[ref]!]!;
    const slot = refsSlot[ref]!;
    const se =
      seRatio[refsList[ref]!]! *
      Math.abs(list.scales[slot]!) *
      prepared.rotatedStandardError(list.codes, slot * B, list.dithers[slot]!);
    candidates.push({
      id: list.ids[slot]!,
      payload: list.payloads[slot],
      key: heap.keys[i]!,
      se: seFactor * se,
    });
  }
  return { candidates, scanned };
}

/** Exact key of a stored original against the query (same orientation as the estimates). */
export function exactKey(metric: Metric, query: Float64Array, vector: ArrayLike<number>): number {
  let s = 0;
  if (metric === 'l2') {
    for (let j = 0; j < query.length; j++) {
      const t = query[j]! - vector[j]!;
      s += t * t;
    }
    return -s;
  }
  for (let j = 0; j < query.length; j++) s += query[j]! * vector[j]!;
  return s;
}

/**
 * Error-bounded rerank (DESIGN §4, the bound test RaBitQ uses): visit candidates by decreasing upper bound
 * key + z·SE; once the k-th best exact key beats a candidate's upper bound, no later candidate can enter the
 * top k, so none of them is read. Reads are synchronous (LevelDB getSync from its block cache), so exactly the
 * originals the bound cannot rule out are read, one at a time, and the whole search is one synchronous step.
 */
export function rerank(
  candidates: Candidate[],
  need: number,
  z: number,
  metric: Metric,
  query: Float64Array,
  fetch: (id: PointId) => Float32Array | undefined,
): { results: Candidate[]; read: number } {
  const order = candidates.map((c) => ({ c, upper: c.key + z * c.se })).sort((a, b) => b.upper - a.upper);
  const heap = new TopK(need);
  const exact: Candidate[] = [];
  let read = 0;
  for (const { c, upper } of order) {
    if (upper < heap.threshold) break;
    const v = fetch(c.id);
    read++;
    if (v === undefined) continue; // a point without an original (deleted meanwhile) is not a result
    const key = exactKey(metric, query, v);
    exact.push({ id: c.id, payload: c.payload, key, se: 0 });
    heap.push(key, exact.length - 1);
  }
  const results = heap.sortedOrder().map((h) => exact[heap.refs[h]!]!);
  return { results, read };
}
