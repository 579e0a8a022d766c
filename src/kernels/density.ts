import { assertArg } from '../errors.js';
import type { BalanceKVCoreset } from './coreset.js';
import { densityAnnWorker } from './density-ann.js';
import { densityExactWorker } from './density-exact.js';
import { densitySamplingWorker, type SampleBudget } from './density-sampling.js';
import { type KernelSpec, kernelEvaluator } from './kernel.js';
import { MeanAccumulator, rngFrom } from './sample.js';
import { summaryDensity } from './summary-query.js';
import type { NearestFn, PointSet, RandomSource, Vector } from './types.js';
import {
  toQueryBatch,
  validatePointSet,
  validatePositive,
  validatePositiveInt,
  validateWeights,
} from './validate.js';

export type DensityMethod = 'exact' | 'sampling' | 'ann' | 'coreset';

export interface DensityOptions extends RandomSource {
  kernel: KernelSpec;
  method: DensityMethod;
  /** One weight per point (a numeric payload); 1 when omitted. */
  weights?: Float64Array;
  /** `sampling`/`ann`: a fixed number of uniform samples. Overrides `epsilon`. */
  samples?: number;
  /** `sampling`/`ann`: target relative standard error, sample size from a pilot (default 0.05). */
  epsilon?: number;
  /** Cap on the sample size an ε budget may choose (default: the collection size, i.e. exact). */
  maxSamples?: number;
  /** `ann`: how many nearest neighbours are summed exactly (default 64). */
  neighbours?: number;
  /** `ann`: the index's nearest-neighbour search. */
  nearest?: NearestFn;
  /** `coreset`: the collection's BalanceKV coreset (built with the same weights). */
  coreset?: BalanceKVCoreset;
}

export interface DensityResult {
  densities: Float64Array;
  /** Standard error of each density (0 when exact). */
  errors: Float64Array;
  /** Kernel evaluations per query. */
  touched: Float64Array;
}

export const DEFAULT_DENSITY_EPSILON = 0.05;
export const DEFAULT_NEIGHBOURS = 64;

/**
 * Kernel density F(q) = (1/n) Σ_j w_j k(q, x_j) for a batch of queries, by one of four methods:
 * exact (every point), sampling (uniform, unbiased), ann (DEANN: exact nearest neighbours + uniform sample of
 * the rest, unbiased given the neighbours) and coreset (the BalanceKV coreset's weighted sum, unbiased over the
 * coreset's colour coins). See each worker for its error estimate.
 */
export function kernelDensity(
  points: PointSet,
  queries: readonly Vector[],
  options: DensityOptions,
): DensityResult {
  validatePointSet(points);
  const k = kernelEvaluator(options.kernel);
  validateWeights(options.weights, points.count);
  const d = points.dimension;
  const qs = toQueryBatch(queries, d);
  const nq = queries.length;
  const result: DensityResult = {
    densities: new Float64Array(nq),
    errors: new Float64Array(nq),
    touched: new Float64Array(nq),
  };
  const budget = sampleBudget(options, points.count);
  const rng = rngFrom(options);
  const acc = new MeanAccumulator();
  const method = options.method;
  let neighbours = DEFAULT_NEIGHBOURS;
  if (method === 'ann') {
    assertArg(typeof options.nearest === 'function', 'INVALID_ARGUMENT', "method 'ann' needs nearest()");
    neighbours = options.neighbours ?? DEFAULT_NEIGHBOURS;
    validatePositiveInt(neighbours, 'neighbours');
  } else if (method === 'coreset') {
    const c = options.coreset;
    assertArg(c !== undefined, 'INVALID_ARGUMENT', "method 'coreset' needs the collection's coreset");
    assertArg(c.dimension === d, 'DIMENSION_MISMATCH', 'coreset dimension differs from the collection');
    c.assertReady();
  } else
    assertArg(
      method === 'exact' || method === 'sampling',
      'INVALID_ARGUMENT',
      `unknown density method ${String(method)}`,
    );
  for (let i = 0; i < nq; i++) {
    const q = qs.subarray(i * d, (i + 1) * d);
    const e =
      method === 'exact'
        ? densityExactWorker(points, options.weights, k, q)
        : method === 'sampling'
          ? densitySamplingWorker(points, options.weights, k, q, budget, rng, acc)
          : method === 'ann'
            ? densityAnnWorker(points, options.weights, k, q, neighbours, options.nearest!, budget, rng, acc)
            : summaryDensity(options.coreset!.summary(), options.coreset!.count, k, q);
    result.densities[i] = e.value;
    result.errors[i] = e.error;
    result.touched[i] = e.touched;
  }
  return result;
}

function sampleBudget(options: DensityOptions, n: number): SampleBudget {
  if (options.samples !== undefined) {
    validatePositiveInt(options.samples, 'samples');
    return { samples: options.samples };
  }
  const epsilon = options.epsilon ?? DEFAULT_DENSITY_EPSILON;
  validatePositive(epsilon, 'epsilon');
  const maxSamples = options.maxSamples ?? Math.max(n, 2);
  validatePositiveInt(maxSamples, 'maxSamples');
  return { epsilon, maxSamples };
}
