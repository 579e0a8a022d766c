import { assertArg } from '../errors.js';
import type { CsrGraph } from './csr.js';
import { type AnyGraph, conductanceOf, sweep, toCsr } from './cut.js';
import { runStitchedWalks, type StitchStats } from './stitch.js';

export interface LocalClusterOptions {
  /** Steps per walk (default 16). */
  walkLength?: number;
  /** Total walks, spread round-robin over the seeds (default 1000). */
  walks?: number;
  /** Teleport probability of personalized PageRank (default 0.15). */
  alpha?: number;
  seed?: number;
  /** Budget slack of the stitching, in standard deviations (default 0). */
  slack?: number;
}

export interface ResolvedLocalOptions {
  walkLength: number;
  walks: number;
  alpha: number;
  seed: number;
  slack: number;
}

export interface LocalCluster {
  /** Node ids of the cluster, ascending. */
  nodes: number[];
  conductance: number;
  /** Distinct nodes the walks drew steps at or to — the work is proportional to this, not to the graph. */
  touched: number;
  cutSize: number;
  volume: number;
  /** Nodes with a positive PageRank estimate (the sweep's support). */
  support: number;
  walkStats: StitchStats;
}

export function resolveLocalOptions(g: CsrGraph, seeds: unknown, options?: LocalClusterOptions) {
  assertArg(
    Array.isArray(seeds) || seeds instanceof Int32Array,
    'INVALID_ARGUMENT',
    'seeds must be an array of node ids',
  );
  const list = Array.from(seeds as ArrayLike<unknown>);
  assertArg(list.length >= 1, 'INVALID_ARGUMENT', 'at least one seed is needed');
  for (const s of list)
    assertArg(
      Number.isInteger(s) && (s as number) >= 0 && (s as number) < g.nodes,
      'INVALID_ARGUMENT',
      `seed ${String(s)} is not a node id in 0..${g.nodes - 1}`,
    );
  const o = options ?? {};
  assertArg(typeof o === 'object', 'INVALID_ARGUMENT', 'options must be an object');
  const walkLength = o.walkLength ?? 16;
  assertArg(
    Number.isInteger(walkLength) && walkLength >= 1 && walkLength <= 1 << 20,
    'INVALID_ARGUMENT',
    'walkLength must be an integer from 1 to 2^20',
  );
  const walks = o.walks ?? 1000;
  assertArg(
    Number.isInteger(walks) && walks >= 1 && walks * (walkLength + 1) <= 2 ** 28,
    'INVALID_ARGUMENT',
    'walks must be a positive integer with walks·(walkLength+1) ≤ 2^28',
  );
  const alpha = o.alpha ?? 0.15;
  assertArg(Number.isFinite(alpha) && alpha > 0 && alpha < 1, 'INVALID_ARGUMENT', 'alpha must be in (0, 1)');
  const seed = o.seed ?? 0;
  assertArg(Number.isSafeInteger(seed), 'INVALID_ARGUMENT', 'seed must be an integer');
  const slack = o.slack ?? 0;
  assertArg(Number.isFinite(slack) && slack >= 0, 'INVALID_ARGUMENT', 'slack must be ≥ 0');
  const resolved: ResolvedLocalOptions = { walkLength, walks, alpha, seed, slack };
  return { seeds: Int32Array.from(list as number[]), options: resolved };
}

/**
 * Personalized PageRank from walk paths: pr_α(s) = Σ_t α(1−α)^t · P^t e_s, estimated by weighing the node at
 * step t of every walk by α(1−α)^t, and the last node by the tail (1−α)^ℓ so that the estimate keeps unit
 * mass (the truncation moves mass ≤ (1−α)^ℓ). Using every step, not only a geometric stopping point,
 * lowers the variance for the same walks. Returned sparsely: only visited nodes appear.
 */
export function pprFromPaths(paths: Int32Array, walkLength: number, alpha: number): Map<number, number> {
  const stride = walkLength + 1;
  const walks = paths.length / stride;
  const weight = new Float64Array(stride);
  for (let t = 0; t < walkLength; t++) weight[t] = (alpha * (1 - alpha) ** t) / walks;
  weight[walkLength] = (1 - alpha) ** walkLength / walks;
  const ppr = new Map<number, number>();
  for (let w = 0; w < walks; w++)
    for (let t = 0; t < stride; t++) {
      const v = paths[w * stride + t]!;
      ppr.set(v, (ppr.get(v) ?? 0) + weight[t]!);
    }
  return ppr;
}

/**
 * Sweep cut of a PageRank vector (Andersen, Chung & Lang 2006): order the support by p(v)/deg(v), and return
 * the prefix of least conductance among those with at most half the graph's volume.
 */
export function pprSweep(
  g: CsrGraph,
  ppr: Map<number, number>,
): { nodes: number[]; conductance: number; cutSize: number; volume: number } {
  const support = Int32Array.from(ppr.keys());
  const score = (v: number) => (g.degree[v]! > 0 ? ppr.get(v)! / g.degree[v]! : 0);
  support.sort((a, b) => score(b) - score(a) || a - b);
  let maxPrefix = 0;
  let vol = 0;
  while (maxPrefix < support.length && vol + g.degree[support[maxPrefix]!]! <= g.volume / 2) {
    vol += g.degree[support[maxPrefix]!]!;
    maxPrefix++;
  }
  if (maxPrefix === 0) maxPrefix = Math.min(1, support.length);
  const best = sweep(g, support, maxPrefix, (c, v) => conductanceOf(c, v, g.volume), new Uint8Array(g.nodes));
  const nodes = Array.from(support.subarray(0, best.size)).sort((a, b) => a - b);
  return { nodes, conductance: best.value, cutSize: best.cut, volume: best.volume };
}

/** The local cluster from finished walks (shared by the synchronous path and the worker-thread runner). */
export function localClusterFromWalks(
  g: CsrGraph,
  paths: Int32Array,
  walkStats: StitchStats,
  options: ResolvedLocalOptions,
): LocalCluster {
  const ppr = pprFromPaths(paths, options.walkLength, options.alpha);
  const cut = pprSweep(g, ppr);
  return { ...cut, touched: walkStats.touched, support: ppr.size, walkStats };
}

/**
 * Local clustering around `seeds`: random walks from the seeds only, built by stitching (Kapralov et al.
 * 2021), personalized PageRank estimated from them, and the sweep cut of least conductance. The work is
 * reported as `touched` and depends on the volume the walks reach, not on the size of the graph.
 */
export function localCluster(
  graph: AnyGraph,
  seeds: ArrayLike<number>,
  options?: LocalClusterOptions,
): LocalCluster {
  const g = toCsr(graph);
  const r = resolveLocalOptions(g, seeds, options);
  const o = r.options;
  const walks = runStitchedWalks(g, r.seeds, {
    walkLength: o.walkLength,
    walks: o.walks,
    seed: o.seed,
    slack: o.slack,
  });
  return localClusterFromWalks(g, walks.paths, walks.stats, o);
}
