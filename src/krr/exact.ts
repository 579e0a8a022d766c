import { type KernelSpec, kernelValue } from '../features/kernel.js';
import { choleskyInPlace, choleskySolveInPlace } from '../linalg/cholesky.js';

/**
 * Exact kernel ridge regression: α = (K + λI)⁻¹ y, f(x) = Σ_i α_i k(x, x_i), which minimises
 * ‖Kα − y‖² + λ αᵀKα — the same objective as ‖Zw − y‖² + λ‖w‖² with w = Zᵀα when ZZᵀ = K. O(n²) memory and
 * O(n³/3) time by Cholesky, so for n up to a few thousand (the model layer caps n).
 */

/** K for the rows `index` of x (all rows when index is undefined), row-major m × m. */
export function kernelMatrix(
  kernel: KernelSpec,
  x: ArrayLike<number>,
  dim: number,
  index: ArrayLike<number>,
): Float64Array {
  const m = index.length;
  const k = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const oi = index[i]! * dim;
    k[i * m + i] = 1;
    for (let j = 0; j < i; j++) {
      const v = kernelValue(kernel, x, oi, x, index[j]! * dim, dim);
      k[i * m + j] = v;
      k[j * m + i] = v;
    }
  }
  return k;
}

/** α (m × outputs) = (K + λI)⁻¹ Y; K is overwritten by its Cholesky factor. */
export function solveKernelSystem(
  k: Float64Array,
  m: number,
  y: Float64Array,
  outputs: number,
  lambda: number,
): Float64Array {
  for (let i = 0; i < m; i++) k[i * m + i] = k[i * m + i]! + lambda;
  choleskyInPlace(k, m);
  const alpha = new Float64Array(m * outputs);
  const col = new Float64Array(m);
  for (let c = 0; c < outputs; c++) {
    for (let i = 0; i < m; i++) col[i] = y[i * outputs + c]!;
    choleskySolveInPlace(k, m, col);
    for (let i = 0; i < m; i++) alpha[i * outputs + c] = col[i]!;
  }
  return alpha;
}

/** out (rows × outputs) += Σ_i k(x_r, train_i) α_i for query rows [rowStart, rowEnd). */
export function exactPredict(
  kernel: KernelSpec,
  train: ArrayLike<number>,
  trainRows: number,
  alpha: Float64Array,
  outputs: number,
  x: ArrayLike<number>,
  dim: number,
  rowStart: number,
  rowEnd: number,
  out: Float64Array,
): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const o = (r - rowStart) * outputs;
    for (let i = 0; i < trainRows; i++) {
      const kv = kernelValue(kernel, x, r * dim, train, i * dim, dim);
      for (let c = 0; c < outputs; c++) out[o + c] = out[o + c]! + kv * alpha[i * outputs + c]!;
    }
  }
}
