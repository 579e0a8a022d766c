import type { CsrGraph } from './csr.js';

export type LaplacianKind = 'unnormalized' | 'symmetric' | 'random_walk';
export const LAPLACIAN_KINDS: readonly LaplacianKind[] = ['unnormalized', 'symmetric', 'random_walk'];

/**
 * A symmetric positive semidefinite operator M whose bottom eigenvector is known (`nullVector`, unit norm)
 * and whose spectrum lies in [0, `upperBound`].
 * - unnormalized: M = L = D − A, null vector 1/√n, spectrum ⊂ [0, 2·max deg] (Gershgorin).
 * - symmetric / random_walk: M = N = I − D^{−1/2} A D^{−1/2}, null vector ∝ D^{1/2}·1, spectrum ⊂ [0, 2].
 *   L_rw = I − D⁻¹A is similar to N (L_rw = D^{−1/2} N D^{1/2}), so both share N's eigensolver and differ
 *   only in the embedding read off the eigenvector u: u itself for `symmetric`, D^{−1/2}u for `random_walk`
 *   (the generalized problem L x = λ D x of Shi & Malik).
 * Isolated nodes (degree 0) get D^{−1/2} = 0, so N has a 1 on their diagonal and they sit in no cut.
 */
export interface SymmetricOperator {
  readonly size: number;
  readonly upperBound: number;
  readonly nullVector: Float64Array;
  /** y ← M x. Allocates nothing. */
  apply(x: Float64Array, y: Float64Array): void;
}

export function laplacianOperator(g: CsrGraph, kind: LaplacianKind): SymmetricOperator {
  const n = g.nodes;
  const { offsets, targets, weights, degree } = g;
  if (kind === 'unnormalized') {
    let maxDeg = 0;
    for (let i = 0; i < n; i++) if (degree[i]! > maxDeg) maxDeg = degree[i]!;
    const nullVector = new Float64Array(n).fill(1 / Math.sqrt(n));
    return {
      size: n,
      upperBound: 2 * maxDeg,
      nullVector,
      apply(x, y) {
        for (let u = 0; u < n; u++) {
          let s = degree[u]! * x[u]!;
          for (let p = offsets[u]!; p < offsets[u + 1]!; p++) s -= weights[p]! * x[targets[p]!]!;
          y[u] = s;
        }
      },
    };
  }
  const isqrt = new Float64Array(n);
  const nullVector = new Float64Array(n);
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const d = degree[i]!;
    isqrt[i] = d > 0 ? 1 / Math.sqrt(d) : 0;
    nullVector[i] = Math.sqrt(d);
    norm += d;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < n; i++) nullVector[i] = norm > 0 ? nullVector[i]! / norm : 1 / Math.sqrt(n);
  return {
    size: n,
    upperBound: 2,
    nullVector,
    apply(x, y) {
      for (let u = 0; u < n; u++) {
        let s = 0;
        for (let p = offsets[u]!; p < offsets[u + 1]!; p++)
          s += weights[p]! * isqrt[targets[p]!]! * x[targets[p]!]!;
        y[u] = x[u]! - isqrt[u]! * s;
      }
    },
  };
}

/** Dense row-major form of the operator, for tests and tiny graphs. */
export function denseOperator(op: SymmetricOperator): Float64Array {
  const n = op.size;
  const m = new Float64Array(n * n);
  const e = new Float64Array(n);
  const y = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    op.apply(e, y);
    for (let i = 0; i < n; i++) m[i * n + j] = y[i]!;
  }
  return m;
}
