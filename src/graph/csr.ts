import { assertArg, DitherError } from '../errors.js';

/**
 * An undirected weighted graph in compressed sparse row form. Every edge {u, v} appears in both rows
 * (a self-loop once, in its own row), parallel edges are merged by summing their weights, and zero-weight
 * edges are dropped, so `targets` is exactly the support of the symmetric adjacency matrix A.
 * degree[u] = Σ_v A[u][v] (a self-loop counts once), which makes L = D − A a Laplacian and D⁻¹A a
 * stochastic matrix.
 */
export interface CsrGraph {
  readonly nodes: number;
  /** offsets[u]..offsets[u+1] index the neighbours of u in targets/weights. */
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
  readonly weights: Float64Array;
  /** Weighted degree of every node. */
  readonly degree: Float64Array;
  /** Σ_u degree[u] = vol(V). */
  readonly volume: number;
}

/** The explicit graph the public functions take: `nodes` vertices 0..nodes−1, edges [u, v] or [u, v, weight]. */
export interface GraphInput {
  nodes: number;
  edges: ReadonlyArray<readonly [number, number] | readonly [number, number, number]>;
}

/** Validates a GraphInput (INVALID_GRAPH on any defect) and builds its CSR form. */
export function csrFromGraph(graph: GraphInput): CsrGraph {
  assertArg(graph !== null && typeof graph === 'object', 'INVALID_GRAPH', 'graph must be an object');
  const n = graph.nodes;
  assertArg(
    Number.isSafeInteger(n) && n >= 1 && n < 2 ** 31,
    'INVALID_GRAPH',
    'graph.nodes must be a positive integer',
  );
  assertArg(Array.isArray(graph.edges), 'INVALID_GRAPH', 'graph.edges must be an array');
  const m = graph.edges.length;
  const us = new Int32Array(m);
  const vs = new Int32Array(m);
  const ws = new Float64Array(m);
  for (let e = 0; e < m; e++) {
    const edge = graph.edges[e];
    if (!Array.isArray(edge) || (edge.length !== 2 && edge.length !== 3))
      throw new DitherError('INVALID_GRAPH', `edge ${e} must be [u, v] or [u, v, weight]`);
    const u = edge[0] as number;
    const v = edge[1] as number;
    const w = edge.length === 3 ? (edge[2] as number) : 1;
    if (!Number.isInteger(u) || !Number.isInteger(v) || u < 0 || v < 0 || u >= n || v >= n)
      throw new DitherError('INVALID_GRAPH', `edge ${e} has an endpoint outside 0..${n - 1}`);
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
      throw new DitherError('INVALID_GRAPH', `edge ${e} has a negative or non-finite weight`);
    us[e] = u;
    vs[e] = v;
    ws[e] = w;
  }
  return csrFromArrays(n, us, vs, ws);
}

/**
 * Builds the CSR form from parallel edge arrays that the caller has already validated (endpoints in range,
 * weights finite and ≥ 0). Runs in O(n + m): duplicates are merged with a last-seen marker per row rather
 * than by sorting, so a row of a dense community costs its length, not its length squared.
 */
export function csrFromArrays(n: number, us: Int32Array, vs: Int32Array, ws: Float64Array): CsrGraph {
  const m = us.length;
  const count = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    if (ws[e]! === 0) continue;
    const u = us[e]!;
    const v = vs[e]!;
    count[u + 1]!++;
    if (u !== v) count[v + 1]!++;
  }
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const raw = count[n]!;
  const rawTargets = new Int32Array(raw);
  const rawWeights = new Float64Array(raw);
  const fill = count.slice(0, n);
  for (let e = 0; e < m; e++) {
    const w = ws[e]!;
    if (w === 0) continue;
    const u = us[e]!;
    const v = vs[e]!;
    let p = fill[u]!++;
    rawTargets[p] = v;
    rawWeights[p] = w;
    if (u !== v) {
      p = fill[v]!++;
      rawTargets[p] = u;
      rawWeights[p] = w;
    }
  }
  // Merge parallel edges row by row; slot[v] remembers where v already sits in the current row.
  const slot = new Int32Array(n).fill(-1);
  const offsets = new Int32Array(n + 1);
  const targets = new Int32Array(raw);
  const weights = new Float64Array(raw);
  const degree = new Float64Array(n);
  let out = 0;
  for (let u = 0; u < n; u++) {
    const rowStart = out;
    offsets[u] = rowStart;
    let d = 0;
    for (let p = count[u]!; p < count[u + 1]!; p++) {
      const v = rawTargets[p]!;
      const w = rawWeights[p]!;
      d += w;
      const s = slot[v]!;
      if (s >= rowStart) weights[s]! += w;
      else {
        slot[v] = out;
        targets[out] = v;
        weights[out] = w;
        out++;
      }
    }
    degree[u] = d;
  }
  offsets[n] = out;
  let volume = 0;
  for (let u = 0; u < n; u++) volume += degree[u]!;
  return {
    nodes: n,
    offsets,
    targets: targets.slice(0, out),
    weights: weights.slice(0, out),
    degree,
    volume,
  };
}

/**
 * The subgraph induced on `members` (node ids of `g`, distinct), relabelled 0..members.length−1 in the
 * given order. Recursive bisection partitions each part on its own induced subgraph.
 */
export function inducedSubgraph(g: CsrGraph, members: Int32Array): CsrGraph {
  const local = new Int32Array(g.nodes).fill(-1);
  for (let i = 0; i < members.length; i++) local[members[i]!] = i;
  let m = 0;
  for (let i = 0; i < members.length; i++) {
    const u = members[i]!;
    for (let p = g.offsets[u]!; p < g.offsets[u + 1]!; p++) {
      const j = local[g.targets[p]!]!;
      if (j >= i) m++;
    }
  }
  const us = new Int32Array(m);
  const vs = new Int32Array(m);
  const ws = new Float64Array(m);
  let e = 0;
  for (let i = 0; i < members.length; i++) {
    const u = members[i]!;
    for (let p = g.offsets[u]!; p < g.offsets[u + 1]!; p++) {
      const j = local[g.targets[p]!]!;
      if (j >= i) {
        us[e] = i;
        vs[e] = j;
        ws[e] = g.weights[p]!;
        e++;
      }
    }
  }
  return csrFromArrays(members.length, us, vs, ws);
}
