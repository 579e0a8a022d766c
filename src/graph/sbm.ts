import { assertArg } from '../errors.js';
import { Rng } from '../rng.js';
import type { GraphInput } from './csr.js';

/**
 * Semirandom ("helpful") adversaries of Bhaskara, Jha, Kapralov, Manoj, Mazzali, Wrzos-Kaminska (2024):
 * changes consistent with the planted partition, which only ever add edges inside communities or remove
 * edges across them.
 * - `dense-subset`: plant a dense community (G(s, density), a clique at density 1) on a fraction of one
 *   community — the instance on which normalized spectral bisection errs on a constant fraction of nodes.
 * - `internal`: raise every inside-community edge probability by `p` (the nonhomogeneous SBM).
 * - `remove-crossing`: delete each crossing edge with probability `fraction`.
 */
export type SbmAdversary =
  | { kind: 'dense-subset'; community: number; fraction: number; density: number }
  | { kind: 'internal'; p: number }
  | { kind: 'remove-crossing'; fraction: number };

export interface SbmOptions {
  /** Community sizes; nodes are numbered community by community. */
  sizes: number[];
  /** Edge probability inside a community. */
  pIn: number;
  /** Edge probability across communities. */
  pOut: number;
  seed?: number;
  adversaries?: SbmAdversary[];
}

export interface SbmGraph {
  graph: GraphInput & { edges: Array<[number, number]> };
  /** Planted community of every node. */
  labels: number[];
}

const isProb = (p: unknown): p is number => typeof p === 'number' && p >= 0 && p <= 1;

/**
 * Calls emit(i, j) for each pair i < j of 0..s−1 independently with probability p, in O(s + pairs emitted)
 * by geometric skipping (Batagelj & Brandes 2005) instead of one coin per pair.
 */
function samplePairs(s: number, p: number, rng: Rng, emit: (i: number, j: number) => void): void {
  if (p <= 0 || s < 2) return;
  const logq = Math.log1p(-p);
  for (let i = 0; i < s - 1; i++) {
    let j = i;
    for (;;) {
      j += p >= 1 ? 1 : 1 + Math.floor(Math.log1p(-rng.next()) / logq);
      if (j >= s) break;
      emit(i, j);
    }
  }
}

/** Same, over the s × t pairs of a bipartite block. */
function sampleBlock(s: number, t: number, p: number, rng: Rng, emit: (i: number, j: number) => void): void {
  if (p <= 0) return;
  const logq = Math.log1p(-p);
  for (let i = 0; i < s; i++) {
    let j = -1;
    for (;;) {
      j += p >= 1 ? 1 : 1 + Math.floor(Math.log1p(-rng.next()) / logq);
      if (j >= t) break;
      emit(i, j);
    }
  }
}

/** A planted-partition stochastic block model, then the adversaries in order. Parallel edges are never emitted. */
export function stochasticBlockModel(options: SbmOptions): SbmGraph {
  const { sizes, pIn, pOut } = options;
  assertArg(
    Array.isArray(sizes) && sizes.length >= 1 && sizes.every((s) => Number.isInteger(s) && s >= 1),
    'INVALID_ARGUMENT',
    'sizes must be a non-empty array of positive integers',
  );
  assertArg(isProb(pIn) && isProb(pOut), 'INVALID_ARGUMENT', 'pIn and pOut must be probabilities');
  const seed = options.seed ?? 0;
  assertArg(Number.isSafeInteger(seed), 'INVALID_ARGUMENT', 'seed must be an integer');
  const adversaries = options.adversaries ?? [];
  const first: number[] = [];
  let n = 0;
  for (const s of sizes) {
    first.push(n);
    n += s;
  }
  assertArg(n <= 50_000_000, 'INVALID_ARGUMENT', 'at most 5·10⁷ nodes (pair keys must stay below 2^53)');
  const labels = new Array<number>(n);
  sizes.forEach((s, c) => {
    labels.fill(c, first[c]!, first[c]! + s);
  });
  const rng = new Rng(seed, 0x5b3);
  // Inside and crossing edges are kept apart so that the adversaries can act on each kind.
  const inside = new Map<number, number>(); // key u·n + v (u < v) → 1, to avoid duplicate additions
  const crossing: Array<[number, number]> = [];
  const key = (u: number, v: number) => (u < v ? u * n + v : v * n + u);
  sizes.forEach((s, c) => {
    const o = first[c]!;
    samplePairs(s, pIn, rng, (i, j) => inside.set(key(o + i, o + j), 1));
    for (let d = c + 1; d < sizes.length; d++) {
      const od = first[d]!;
      sampleBlock(s, sizes[d]!, pOut, rng, (i, j) => crossing.push([o + i, od + j]));
    }
  });
  let kept = crossing;
  for (const adv of adversaries) {
    if (adv.kind === 'dense-subset') {
      assertArg(
        Number.isInteger(adv.community) && adv.community >= 0 && adv.community < sizes.length,
        'INVALID_ARGUMENT',
        'dense-subset community out of range',
      );
      assertArg(
        isProb(adv.fraction) && isProb(adv.density),
        'INVALID_ARGUMENT',
        'fraction/density must be in [0, 1]',
      );
      const o = first[adv.community]!;
      const s = Math.round(adv.fraction * sizes[adv.community]!);
      samplePairs(s, adv.density, rng, (i, j) => inside.set(key(o + i, o + j), 1));
    } else if (adv.kind === 'internal') {
      assertArg(isProb(adv.p), 'INVALID_ARGUMENT', 'internal p must be in [0, 1]');
      sizes.forEach((s, c) => {
        const o = first[c]!;
        samplePairs(s, adv.p, rng, (i, j) => inside.set(key(o + i, o + j), 1));
      });
    } else if (adv.kind === 'remove-crossing') {
      assertArg(isProb(adv.fraction), 'INVALID_ARGUMENT', 'remove-crossing fraction must be in [0, 1]');
      kept = kept.filter(() => rng.next() >= adv.fraction);
    } else {
      assertArg(false, 'INVALID_ARGUMENT', `unknown adversary ${(adv as { kind: unknown }).kind}`);
    }
  }
  const edges: Array<[number, number]> = [];
  for (const k of inside.keys()) edges.push([Math.floor(k / n), k % n]);
  for (const e of kept) edges.push(e);
  return { graph: { nodes: n, edges }, labels };
}

/**
 * Agreement of a labelling with the planted one: the largest fraction of nodes labelled consistently
 * under a matching of predicted to planted labels (greedy on the confusion matrix, exact for two parts).
 */
export function agreement(predicted: ArrayLike<number>, planted: ArrayLike<number>): number {
  assertArg(predicted.length === planted.length, 'INVALID_ARGUMENT', 'labellings differ in length');
  const n = planted.length;
  if (n === 0) return 1;
  const counts = new Map<number, number>();
  let kp = 0;
  let kt = 0;
  for (let i = 0; i < n; i++) {
    kp = Math.max(kp, predicted[i]! + 1);
    kt = Math.max(kt, planted[i]! + 1);
  }
  for (let i = 0; i < n; i++) {
    const k = predicted[i]! * kt + planted[i]!;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const cells = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const usedP = new Set<number>();
  const usedT = new Set<number>();
  let matched = 0;
  for (const [k, c] of cells) {
    const p = Math.floor(k / kt);
    const t = k % kt;
    if (usedP.has(p) || usedT.has(t)) continue;
    usedP.add(p);
    usedT.add(t);
    matched += c;
  }
  return matched / n;
}
