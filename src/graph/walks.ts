import { Rng } from '../rng.js';
import type { CsrGraph } from './csr.js';

/**
 * Walks in a request are drawn in blocks of this many starts, block b from Rng(seed, b), so the result is
 * the same however the starts are sharded across threads (a shard is a run of whole blocks).
 */
export const WALK_BLOCK = 256;

/**
 * One step of the simple random walk: neighbour v of u with probability A[u][v]/deg(u) (a self-loop
 * keeps the walk at u). A node of degree 0 keeps the walk where it is — the only stochastic choice there.
 * The row is scanned linearly: kNN rows are short, and this keeps the CSR the only state the step needs.
 */
export function randomStep(g: CsrGraph, u: number, rng: Rng): number {
  const start = g.offsets[u]!;
  const end = g.offsets[u + 1]!;
  if (end === start) return u;
  let r = rng.next() * g.degree[u]!;
  for (let p = start; p < end - 1; p++) {
    r -= g.weights[p]!;
    if (r < 0) return g.targets[p]!;
  }
  return g.targets[end - 1]!;
}

/**
 * Independent walks of `length` steps from each start; writes their paths (length + 1 nodes each) to `out`
 * (starts.length × (length + 1)). `firstIndex` is the global index of starts[0] in the request and must be a
 * multiple of WALK_BLOCK: this is the unit of work a worker thread runs.
 */
export function walkSegments(
  g: CsrGraph,
  starts: Int32Array,
  length: number,
  seed: number,
  out: Int32Array,
  firstIndex = 0,
): void {
  const stride = length + 1;
  let rng: Rng | undefined;
  for (let i = 0; i < starts.length; i++) {
    const global = firstIndex + i;
    if (rng === undefined || global % WALK_BLOCK === 0) rng = new Rng(seed, Math.floor(global / WALK_BLOCK));
    let u = starts[i]!;
    const base = i * stride;
    out[base] = u;
    for (let t = 1; t <= length; t++) {
      u = randomStep(g, u, rng);
      out[base + t] = u;
    }
  }
}

/** The baseline: `walks` walks of `length` steps, walk w from seeds[w mod seeds.length], one after another. */
export function sequentialWalkPaths(
  g: CsrGraph,
  seeds: Int32Array,
  walks: number,
  length: number,
  seed: number,
): Int32Array {
  const starts = new Int32Array(walks);
  for (let w = 0; w < walks; w++) starts[w] = seeds[w % seeds.length]!;
  const out = new Int32Array(walks * (length + 1));
  const rng = new Rng(seed, 0x5e9);
  const stride = length + 1;
  for (let w = 0; w < walks; w++) {
    let u = starts[w]!;
    out[w * stride] = u;
    for (let t = 1; t <= length; t++) {
      u = randomStep(g, u, rng);
      out[w * stride + t] = u;
    }
  }
  return out;
}
