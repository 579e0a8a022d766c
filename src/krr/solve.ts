import { choleskyInPlace, choleskySolveInPlace } from '../linalg/cholesky.js';

/**
 * Ridge regression on features, minimising ‖Zw − y‖² + λ‖w‖² for every output column:
 * the normal equations (ZᵀZ + λI) w = Zᵀy solved by Cholesky (moderate D) or by conjugate gradient
 * (sparse or large D), where ZᵀZ is only ever applied, never formed.
 */

/** W = (G + λI)⁻¹ B for G (D × D symmetric) and B (D × K row-major); G is left untouched. */
export function ridgeCholesky(
  g: Float64Array,
  size: number,
  b: Float64Array,
  outputs: number,
  lambda: number,
): Float64Array {
  const a = g.slice();
  for (let i = 0; i < size; i++) a[i * size + i] = a[i * size + i]! + lambda;
  choleskyInPlace(a, size);
  const w = new Float64Array(size * outputs);
  const col = new Float64Array(size);
  for (let c = 0; c < outputs; c++) {
    for (let i = 0; i < size; i++) col[i] = b[i * outputs + c]!;
    choleskySolveInPlace(a, size, col);
    for (let i = 0; i < size; i++) w[i * outputs + c] = col[i]!;
  }
  return w;
}

/** v ↦ ZᵀZ v for one vector, writing into out. */
export type NormalOperator = (v: Float64Array, out: Float64Array) => void;

export interface CgResult {
  w: Float64Array;
  iterations: number;
  /** Largest final relative residual ‖r‖/‖b‖ over the outputs. */
  residual: number;
}

/**
 * Jacobi-preconditioned conjugate gradient on (ZᵀZ + λI) w = b, one output column at a time (Hestenes & Stiefel
 * 1952; the preconditioner diag(ZᵀZ) + λ evens out the very unequal column norms of binning features, whose cells
 * hold from one to thousands of points).
 */
export function ridgeCg(
  apply: NormalOperator,
  diag: Float64Array,
  size: number,
  b: Float64Array,
  outputs: number,
  lambda: number,
  tolerance = 1e-6,
  maxIterations = 2000,
): CgResult {
  const w = new Float64Array(size * outputs);
  const x = new Float64Array(size);
  const r = new Float64Array(size);
  const z = new Float64Array(size);
  const p = new Float64Array(size);
  const q = new Float64Array(size);
  const inv = new Float64Array(size);
  for (let i = 0; i < size; i++) inv[i] = 1 / (diag[i]! + lambda);
  let iterations = 0;
  let worst = 0;
  for (let c = 0; c < outputs; c++) {
    let bnorm = 0;
    for (let i = 0; i < size; i++) {
      const bi = b[i * outputs + c]!;
      x[i] = 0;
      r[i] = bi;
      bnorm += bi * bi;
    }
    bnorm = Math.sqrt(bnorm);
    if (bnorm === 0) continue;
    let rz = 0;
    for (let i = 0; i < size; i++) {
      z[i] = r[i]! * inv[i]!;
      p[i] = z[i]!;
      rz += r[i]! * z[i]!;
    }
    let rel = 1;
    for (let it = 0; it < maxIterations; it++) {
      apply(p, q);
      let pq = 0;
      for (let i = 0; i < size; i++) {
        q[i] = q[i]! + lambda * p[i]!;
        pq += p[i]! * q[i]!;
      }
      const alpha = rz / pq;
      let rr = 0;
      for (let i = 0; i < size; i++) {
        x[i] = x[i]! + alpha * p[i]!;
        r[i] = r[i]! - alpha * q[i]!;
        rr += r[i]! * r[i]!;
      }
      iterations++;
      rel = Math.sqrt(rr) / bnorm;
      if (rel < tolerance) break;
      let rzNext = 0;
      for (let i = 0; i < size; i++) {
        z[i] = r[i]! * inv[i]!;
        rzNext += r[i]! * z[i]!;
      }
      const beta = rzNext / rz;
      rz = rzNext;
      for (let i = 0; i < size; i++) p[i] = z[i]! + beta * p[i]!;
    }
    worst = Math.max(worst, rel);
    for (let i = 0; i < size; i++) w[i * outputs + c] = x[i]!;
  }
  return { w, iterations, residual: worst };
}
