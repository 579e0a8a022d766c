import { assertArg, DitherError } from '../errors.js';
import { choleskyInPlace, choleskySolveInPlace } from '../linalg/cholesky.js';
import { type NormalizedPrior, normalizePrior, priorKernel } from './priors.js';
import { statisticalDimensionOf, validateHorizon } from './statistical-dimension.js';

/**
 * Fourier-constrained reconstruction by weighted kernel ridge regression — Avron et al. (STOC 2019),
 * the reconstruction step of their Algorithm (sample from the universal density, then solve the sampled
 * ridge problem of their Theorem on approximate regression).
 *
 * Continuous problem (their eq. for the ridge estimator, in our unnormalised L²([0,T]) convention):
 *     min_{g ∈ L²(μ)} ∫_0^T |(F_μ g)(t) − y(t)|² dt + λ ‖g‖²_μ.
 * Sampled problem: the integral is replaced by the importance-weighted sum Σ_i w_i |(F_μ g)(t_i) − y_i|²,
 * which is unbiased when w_i = 1/(q·p(t_i)). Writing S for the q×∞ operator (Sf)_i = √w_i f(t_i), the
 * minimiser is g* = (S F_μ)* (S F_μ (S F_μ)* + λI)⁻¹ S y, and S F_μ (S F_μ)* = W^{1/2} K W^{1/2} with
 * K_ij = k(t_i − t_j), because F_μ F_μ* has kernel k (priors.ts). Hence
 *     β = (W^{1/2} K W^{1/2} + λ I)⁻¹ W^{1/2} y,   α_j = √w_j β_j,   ỹ(t) = (F_μ g*)(t) = Σ_j α_j k(t − t_j).
 * The system is symmetric positive definite, solved by Cholesky. The paper's guarantee: with
 * O(s_λ log² s_λ) universal samples, ∫|ỹ − y|² ≤ C(∫|noise|² + λ‖g‖²_μ) with high probability.
 * Without weights we use w_i = T/q — what uniform or equispaced designs imply — so ridge λ keeps its scale.
 */
export interface ReconstructInput {
  times: ArrayLike<number>;
  values: ArrayLike<number>;
  weights?: ArrayLike<number>;
  prior: unknown;
  T: number;
  lambda: number;
}

export interface Reconstruction {
  /** ỹ(t): a number for a number, a number[] (same order) for an array. */
  evaluate(t: number): number;
  evaluate(t: ArrayLike<number>): number[];
  /** s_λ of the prior on [0, T] (statistical-dimension.ts); null when λ = 0, where it is infinite. Lazy. */
  readonly statisticalDimension: number | null;
  readonly prior: NormalizedPrior;
  readonly T: number;
  readonly lambda: number;
  readonly sampleCount: number;
  /** The ridge actually used: λ, floored at 1e-12·max_i w_i k(0) so λ = 0 (interpolation) stays solvable. */
  readonly effectiveLambda: number;
}

/** Dense solves are O(q³): 2000 samples is ≈ 3 s on one core, the most a request may cost. */
export const MAX_RECONSTRUCT_SAMPLES = 2000;

export function reconstructSignal(input: ReconstructInput): Reconstruction {
  assertArg(typeof input === 'object' && input !== null, 'INVALID_ARGUMENT', 'input must be an object');
  const prior = normalizePrior(input.prior);
  validateHorizon(input.T);
  const T = input.T;
  const lambda = input.lambda;
  assertArg(typeof lambda === 'number', 'INVALID_ARGUMENT', 'lambda must be a number');
  assertArg(Number.isFinite(lambda), 'NON_FINITE_VALUE', 'lambda must be finite');
  assertArg(lambda >= 0, 'INVALID_ARGUMENT', 'lambda must be >= 0');
  const times = toFloat64(input.times, 'times');
  const values = toFloat64(input.values, 'values');
  const q = times.length;
  assertArg(q >= 1, 'INVALID_ARGUMENT', 'at least one sample is needed');
  assertArg(q <= MAX_RECONSTRUCT_SAMPLES, 'INVALID_ARGUMENT', `at most ${MAX_RECONSTRUCT_SAMPLES} samples`);
  assertArg(values.length === q, 'INVALID_ARGUMENT', 'times and values must have the same length');
  for (let i = 0; i < q; i++) {
    assertArg(times[i]! >= 0 && times[i]! <= T, 'INVALID_ARGUMENT', `times[${i}] lies outside [0, T]`);
  }
  let weights: Float64Array;
  if (input.weights === undefined) {
    weights = new Float64Array(q).fill(T / q);
  } else {
    weights = toFloat64(input.weights, 'weights');
    assertArg(weights.length === q, 'INVALID_ARGUMENT', 'weights must have the same length as times');
    for (let i = 0; i < q; i++) assertArg(weights[i]! > 0, 'INVALID_ARGUMENT', `weights[${i}] must be > 0`);
  }
  return fitWeightedKrr(prior, T, lambda, times, values, weights);
}

function toFloat64(a: unknown, name: string): Float64Array {
  assertArg(
    Array.isArray(a) || ArrayBuffer.isView(a),
    'INVALID_ARGUMENT',
    `${name} must be an array of numbers`,
  );
  const src = a as ArrayLike<unknown>;
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    assertArg(typeof v === 'number', 'INVALID_ARGUMENT', `${name}[${i}] must be a number`);
    assertArg(Number.isFinite(v), 'NON_FINITE_VALUE', `${name}[${i}] is not finite`);
    out[i] = v;
  }
  return out;
}

function fitWeightedKrr(
  prior: NormalizedPrior,
  T: number,
  lambda: number,
  times: Float64Array,
  values: Float64Array,
  weights: Float64Array,
): Reconstruction {
  const q = times.length;
  const sqrtW = new Float64Array(q);
  let maxW = 0;
  for (let i = 0; i < q; i++) {
    sqrtW[i] = Math.sqrt(weights[i]!);
    if (weights[i]! > maxW) maxW = weights[i]!;
  }
  // Sinc-type Gram matrices are numerically rank-deficient; a ridge below 1e-12 of the largest diagonal
  // entry is round-off, so flooring there keeps Cholesky stable and changes the fit by less than round-off.
  const effectiveLambda = Math.max(lambda, 1e-12 * maxW * priorKernel(prior, 0));
  const a = new Float64Array(q * q);
  for (let i = 0; i < q; i++) {
    const ti = times[i]!;
    const wi = sqrtW[i]!;
    for (let j = 0; j <= i; j++) {
      const v = wi * sqrtW[j]! * priorKernel(prior, ti - times[j]!);
      a[i * q + j] = v;
      a[j * q + i] = v;
    }
    a[i * q + i] = a[i * q + i]! + effectiveLambda;
  }
  try {
    choleskyInPlace(a, q);
  } catch (cause) {
    throw new DitherError('INVALID_ARGUMENT', 'sample system is numerically singular; use a larger lambda', {
      cause,
    });
  }
  const beta = new Float64Array(q);
  for (let i = 0; i < q; i++) beta[i] = sqrtW[i]! * values[i]!;
  choleskySolveInPlace(a, q, beta);
  const alpha = new Float64Array(q);
  for (let i = 0; i < q; i++) alpha[i] = sqrtW[i]! * beta[i]!;

  const at = (t: number): number => {
    let s = 0;
    for (let j = 0; j < q; j++) s += alpha[j]! * priorKernel(prior, t - times[j]!);
    return s;
  };
  function evaluate(t: number): number;
  function evaluate(t: ArrayLike<number>): number[];
  function evaluate(t: number | ArrayLike<number>): number | number[] {
    if (typeof t === 'number') {
      assertArg(Number.isFinite(t), 'NON_FINITE_VALUE', 't must be finite');
      return at(t);
    }
    const ts = toFloat64(t, 't');
    const out: number[] = new Array(ts.length);
    for (let i = 0; i < ts.length; i++) out[i] = at(ts[i]!);
    return out;
  }
  let sd: number | null | undefined;
  return {
    evaluate,
    get statisticalDimension(): number | null {
      if (sd === undefined) sd = lambda > 0 ? statisticalDimensionOf(prior, T, lambda) : null;
      return sd;
    },
    prior,
    T,
    lambda,
    sampleCount: q,
    effectiveLambda,
  };
}
