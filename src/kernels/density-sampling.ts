import type { Rng } from '../rng.js';
import { densityExactWorker } from './density-exact.js';
import type { KernelEval } from './kernel.js';
import type { MeanAccumulator } from './sample.js';
import { samplesForRelativeError } from './sample.js';
import type { Estimate, PointSet } from './types.js';

/** How many uniform samples: a fixed count, or enough for relative standard error ε (two-stage, see below). */
export type SampleBudget = { samples: number } | { epsilon: number; maxSamples: number };

/** Size of the pilot sample that estimates the coefficient of variation in two-stage sampling. */
export const PILOT_SAMPLES = 256;

/**
 * Uniform sampling: F̂ = (1/m) Σ_t w_J k(q, x_J) with J_1..J_m i.i.d. uniform on the n points, so
 * E F̂ = (1/n) Σ_j w_j k(q, x_j) = F(q) exactly; error = s/√m, the sample standard error.
 * With an ε budget a pilot of PILOT_SAMPLES estimates cv² = Var/mean² and m = ⌈cv²/ε²⌉ fresh draws are taken;
 * the pilot is discarded, so the final mean is still unbiased given m (m depends on the pilot only).
 * If m reaches n the exact sum is cheaper and is returned instead.
 */
export function densitySamplingWorker(
  points: PointSet,
  weights: Float64Array | undefined,
  k: KernelEval,
  q: Float64Array,
  budget: SampleBudget,
  rng: Rng,
  acc: MeanAccumulator,
): Estimate {
  const n = points.count;
  if (n === 0) return { value: 0, error: 0, touched: 0 };
  let touched = 0;
  let m: number;
  if ('samples' in budget) m = budget.samples;
  else {
    sampleUniform(points, weights, k, q, PILOT_SAMPLES, rng, acc);
    touched += PILOT_SAMPLES;
    m = samplesForRelativeError(acc.mean, acc.variance(), budget.epsilon, 2, budget.maxSamples);
  }
  if (m >= n) {
    const exact = densityExactWorker(points, weights, k, q);
    return { value: exact.value, error: 0, touched: touched + n };
  }
  sampleUniform(points, weights, k, q, m, rng, acc);
  return { value: acc.mean, error: acc.standardError(), touched: touched + m };
}

function sampleUniform(
  points: PointSet,
  weights: Float64Array | undefined,
  k: KernelEval,
  q: Float64Array,
  m: number,
  rng: Rng,
  acc: MeanAccumulator,
): void {
  const { data, count, dimension } = points;
  acc.reset();
  for (let t = 0; t < m; t++) {
    const j = rng.int(count);
    acc.push((weights === undefined ? 1 : weights[j]!) * k(q, data, j, dimension));
  }
}
