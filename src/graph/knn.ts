import { assertArg, DitherError } from '../errors.js';
import { type CsrGraph, csrFromArrays } from './csr.js';

export type Symmetrization = 'union' | 'mutual';
export type EdgeWeighting = 'unweighted' | 'gaussian';

export interface NeighborLists<Id = number> {
  /** Point ids: node i of the graph is ids[i]. Omit it and neighbour entries are node indices 0..n−1. */
  ids?: readonly Id[];
  /** neighbors[i]: ids (or node indices) of point i's nearest neighbours, in any order. */
  neighbors: ReadonlyArray<ArrayLike<Id>>;
  /** distances[i][j]: distance from point i to neighbors[i][j]; finite and ≥ 0. */
  distances: ReadonlyArray<ArrayLike<number>>;
}

export interface KnnGraphOptions {
  /** Keep each point's k nearest listed neighbours (default: all listed). */
  k?: number;
  /** 'union' (default): {i, j} is an edge if either lists the other; 'mutual': if both do. */
  symmetrize?: Symmetrization;
  /** 'unweighted' (default): weight 1; 'gaussian': exp(−d²/(2σ²)). */
  weighting?: EdgeWeighting;
  /** σ of the Gaussian kernel; default the median edge distance (a scale-free choice). */
  bandwidth?: number;
}

export interface KnnGraph<Id = number> {
  graph: CsrGraph;
  /** ids[i] is the point behind node i (node indices themselves when no ids were given). */
  ids: Id[];
  /** The σ used for Gaussian weights (NaN when unweighted). */
  bandwidth: number;
}

/**
 * The kNN graph of a point set from its neighbour lists (as an index's k-nearest-neighbour queries return
 * them). Self matches are dropped, a pair listed twice keeps its smaller distance, and the directed kNN
 * relation is symmetrized so that the graph is undirected (von Luxburg 2007, §2.2: the "kNN graph" is the
 * union, the "mutual kNN graph" the intersection).
 */
export function knnGraphFromNeighbors<Id = number>(
  lists: NeighborLists<Id>,
  options: KnnGraphOptions = {},
): KnnGraph<Id> {
  assertArg(
    lists !== null && typeof lists === 'object',
    'INVALID_GRAPH',
    'neighbour lists must be an object',
  );
  const { neighbors, distances } = lists;
  assertArg(
    Array.isArray(neighbors) && Array.isArray(distances),
    'INVALID_GRAPH',
    'neighbors and distances must be arrays',
  );
  const n = neighbors.length;
  assertArg(n >= 1, 'INVALID_GRAPH', 'the graph needs at least one node');
  assertArg(n < 2 ** 26, 'INVALID_GRAPH', 'at most 2^26 nodes (pair keys must stay below 2^53)');
  assertArg(distances.length === n, 'INVALID_GRAPH', 'distances must have one list per point');
  const symmetrize = options.symmetrize ?? 'union';
  assertArg(
    symmetrize === 'union' || symmetrize === 'mutual',
    'INVALID_ARGUMENT',
    "symmetrize must be 'union' or 'mutual'",
  );
  const weighting = options.weighting ?? 'unweighted';
  assertArg(
    weighting === 'unweighted' || weighting === 'gaussian',
    'INVALID_ARGUMENT',
    "weighting must be 'unweighted' or 'gaussian'",
  );
  const k = options.k ?? Number.POSITIVE_INFINITY;
  assertArg(
    k === Number.POSITIVE_INFINITY || (Number.isInteger(k) && k >= 1),
    'INVALID_ARGUMENT',
    'k must be a positive integer',
  );
  if (options.bandwidth !== undefined)
    assertArg(
      Number.isFinite(options.bandwidth) && options.bandwidth > 0,
      'INVALID_ARGUMENT',
      'bandwidth must be a positive finite number',
    );

  let index: (id: Id) => number;
  let ids: Id[];
  if (lists.ids !== undefined) {
    assertArg(
      Array.isArray(lists.ids) && lists.ids.length === n,
      'INVALID_GRAPH',
      'ids must have one entry per list',
    );
    const map = new Map<Id, number>();
    lists.ids.forEach((id, i) => {
      if (map.has(id)) throw new DitherError('INVALID_GRAPH', `duplicate id ${String(id)}`);
      map.set(id, i);
    });
    index = (id) => map.get(id) ?? -1;
    ids = [...lists.ids];
  } else {
    index = (id) => (Number.isInteger(id) && (id as number) >= 0 && (id as number) < n ? (id as number) : -1);
    ids = Array.from({ length: n }, (_, i) => i as Id);
  }

  // key i·n + j (i < j) → smallest distance seen; arcs counts how many endpoints listed the pair.
  const dist = new Map<number, number>();
  const arcs = new Map<number, number>();
  const seen = new Set<number>();
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    const nb = neighbors[i];
    const ds = distances[i];
    assertArg(
      nb !== undefined && ds !== undefined && nb.length === ds.length,
      'INVALID_GRAPH',
      `point ${i}: neighbour and distance lists differ in length`,
    );
    order.length = 0;
    for (let j = 0; j < nb.length; j++) {
      const d = ds[j]!;
      if (typeof d !== 'number' || !Number.isFinite(d) || d < 0)
        throw new DitherError('INVALID_GRAPH', `point ${i}: distance ${j} is negative or not finite`);
      order.push(j);
    }
    order.sort((a, b) => ds[a]! - ds[b]! || a - b);
    seen.clear();
    let taken = 0;
    for (const j of order) {
      if (taken >= k) break;
      const t = index(nb[j]!);
      if (t < 0)
        throw new DitherError('INVALID_GRAPH', `point ${i}: neighbour ${String(nb[j])} is not a node`);
      if (t === i) continue; // an index returns the query point itself first
      if (seen.has(t)) continue;
      seen.add(t);
      taken++;
      const key = i < t ? i * n + t : t * n + i;
      const d = ds[j]!;
      const prev = dist.get(key);
      if (prev === undefined || d < prev) dist.set(key, d);
      arcs.set(key, (arcs.get(key) ?? 0) + 1);
    }
  }
  const keys: number[] = [];
  for (const [key, c] of arcs) if (symmetrize === 'union' || c === 2) keys.push(key);
  keys.sort((a, b) => a - b);
  const m = keys.length;
  const us = new Int32Array(m);
  const vs = new Int32Array(m);
  const ws = new Float64Array(m);
  let bandwidth = Number.NaN;
  if (weighting === 'gaussian') {
    if (options.bandwidth !== undefined) bandwidth = options.bandwidth;
    else {
      const all = Float64Array.from(keys, (key) => dist.get(key)!).sort();
      bandwidth = m ? (all[(m - 1) >> 1]! + all[m >> 1]!) / 2 : 1;
      // All-zero distances (duplicates) would give σ = 0; any σ then weighs every edge 1.
      if (!(bandwidth > 0)) bandwidth = 1;
    }
  }
  const twoSigma2 = 2 * bandwidth * bandwidth;
  keys.forEach((key, e) => {
    us[e] = Math.floor(key / n);
    vs[e] = key % n;
    const d = dist.get(key)!;
    // Floor at the smallest normal double so that far pairs stay edges instead of vanishing (w = 0 drops).
    ws[e] = weighting === 'gaussian' ? Math.max(Math.exp(-(d * d) / twoSigma2), 2.2250738585072014e-308) : 1;
  });
  return { graph: csrFromArrays(n, us, vs, ws), ids, bandwidth };
}
