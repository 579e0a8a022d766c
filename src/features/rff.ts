import { assertArg } from '../errors.js';
import { Rng } from '../rng.js';
import { type KernelSpec, validateKernel } from './kernel.js';
import { sampleFrequency } from './spectral.js';

/**
 * A random Fourier feature map z_j(x) = weight_j · cos(ω_jᵀx + b_j), j < count.
 * Plain RFF (Rahimi & Recht 2007, Algorithm 1): ω_j ~ p, b_j ~ U[0, 2π), weight_j = √(2/D).
 * Leverage-weighted RFF (Avron et al. 2017) reuses the same layout with ω_j ~ q and
 * weight_j = √(2/D) · √(p(ω_j)/q(ω_j)) — see leverage.ts.
 * `omega` is stored dimension-major (omega[k·count + j] = (ω_j)_k) so that the feature loop streams it.
 */
export interface RffMap {
  type: 'rff' | 'leverage_rff';
  dim: number;
  count: number;
  omega: Float64Array;
  phase: Float64Array;
  weight: Float64Array;
}

export function createRff(kernel: KernelSpec, dim: number, count: number, seed: number): RffMap {
  validateKernel(kernel);
  assertArg(
    Number.isInteger(dim) && dim > 0,
    'INVALID_DIMENSION',
    'input dimension must be a positive integer',
  );
  assertArg(
    Number.isInteger(count) && count > 0,
    'INVALID_ARGUMENT',
    'feature count must be a positive integer',
  );
  const rng = new Rng(seed, 0x52ff);
  const omega = new Float64Array(dim * count);
  const phase = new Float64Array(count);
  const weight = new Float64Array(count).fill(Math.sqrt(2 / count));
  for (let j = 0; j < count; j++) {
    sampleFrequency(kernel, dim, rng, omega, count, j);
    phase[j] = 2 * Math.PI * rng.next();
  }
  return { type: 'rff', dim, count, omega, phase, weight };
}

/**
 * Writes the features of rows [rowStart, rowEnd) of the row-major n×dim matrix `x` into `out`
 * ((rowEnd − rowStart) × count, row-major). Zero inputs are skipped: images such as Fashion-MNIST are about
 * half zeros, and the projection is the cost that dominates for d = 784.
 */
export function rffTransform(
  map: RffMap,
  x: ArrayLike<number>,
  rowStart: number,
  rowEnd: number,
  out: Float64Array,
): void {
  const { dim, count, omega, phase, weight } = map;
  for (let i = rowStart; i < rowEnd; i++) {
    const o = (i - rowStart) * count;
    for (let j = 0; j < count; j++) out[o + j] = phase[j]!;
    const xo = i * dim;
    for (let k = 0; k < dim; k++) {
      const xk = x[xo + k]!;
      if (xk === 0) continue;
      const base = k * count;
      for (let j = 0; j < count; j++) out[o + j] = out[o + j]! + xk * omega[base + j]!;
    }
    for (let j = 0; j < count; j++) out[o + j] = weight[j]! * Math.cos(out[o + j]!);
  }
}
