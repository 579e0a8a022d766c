import { assertArg } from '../errors.js';

/**
 * The three kernels of the module.
 * - gaussian:    exp(−‖q − x‖² / 2σ²)
 * - laplacian:   exp(−‖q − x‖ / σ)
 * - exponential: exp(⟨q, x⟩ / τ)   (the softmax kernel of attention; `bandwidth` is the temperature τ)
 */
export type KernelType = 'gaussian' | 'laplacian' | 'exponential';

export interface KernelSpec {
  readonly type: KernelType;
  /** σ for gaussian/laplacian, τ for exponential; finite and > 0. */
  readonly bandwidth: number;
}

export const KERNEL_TYPES: readonly KernelType[] = ['gaussian', 'laplacian', 'exponential'];

/** Evaluates k(q, x_row) against row `row` of a row-major float32 matrix. */
export type KernelEval = (q: Float64Array, data: Float32Array, row: number, dimension: number) => number;

export function validateKernel(spec: KernelSpec): void {
  assertArg(
    spec !== null && typeof spec === 'object' && KERNEL_TYPES.includes(spec.type),
    'INVALID_ARGUMENT',
    `kernel type must be one of ${KERNEL_TYPES.join(', ')}`,
  );
  assertArg(
    typeof spec.bandwidth === 'number' && Number.isFinite(spec.bandwidth) && spec.bandwidth > 0,
    'INVALID_ARGUMENT',
    'kernel bandwidth (temperature for the exponential kernel) must be a finite number > 0',
  );
}

/**
 * A kernel evaluator specialised to one spec, so the hot loops below call one monomorphic closure.
 * Distances are summed directly (not via ‖q‖² + ‖x‖² − 2⟨q, x⟩) so near neighbours, which carry the
 * density at small bandwidths, do not lose digits to cancellation.
 */
export function kernelEvaluator(spec: KernelSpec): KernelEval {
  validateKernel(spec);
  const h = spec.bandwidth;
  switch (spec.type) {
    case 'gaussian': {
      const scale = -1 / (2 * h * h);
      return (q, data, row, d) => Math.exp(scale * squaredDistance(q, data, row * d, d));
    }
    case 'laplacian': {
      const scale = -1 / h;
      return (q, data, row, d) => Math.exp(scale * Math.sqrt(squaredDistance(q, data, row * d, d)));
    }
    case 'exponential': {
      const scale = 1 / h;
      return (q, data, row, d) => Math.exp(scale * dot(q, data, row * d, d));
    }
  }
}

/** The log of the kernel, for callers that must stay in log space (attention's log-sum-exp). */
export function logKernelEvaluator(spec: KernelSpec): KernelEval {
  validateKernel(spec);
  const h = spec.bandwidth;
  switch (spec.type) {
    case 'gaussian': {
      const scale = -1 / (2 * h * h);
      return (q, data, row, d) => scale * squaredDistance(q, data, row * d, d);
    }
    case 'laplacian': {
      const scale = -1 / h;
      return (q, data, row, d) => scale * Math.sqrt(squaredDistance(q, data, row * d, d));
    }
    case 'exponential': {
      const scale = 1 / h;
      return (q, data, row, d) => scale * dot(q, data, row * d, d);
    }
  }
}

/** True when k(q, x) decreases with ‖q − x‖, so the index's nearest neighbours are its heaviest entries. */
export function isDistanceKernel(spec: KernelSpec): boolean {
  return spec.type !== 'exponential';
}

export function squaredDistance(q: Float64Array, data: Float32Array, offset: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    const t = q[i]! - data[offset + i]!;
    s += t * t;
  }
  return s;
}

export function dot(q: Float64Array, data: Float32Array, offset: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += q[i]! * data[offset + i]!;
  return s;
}
