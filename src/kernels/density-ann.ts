import { assertArg } from '../errors.js';
import type { Rng } from '../rng.js';
import type { SampleBudget } from './density-sampling.js';
import { PILOT_SAMPLES } from './density-sampling.js';
import type { KernelEval } from './kernel.js';
import type { MeanAccumulator } from './sample.js';
import { containsSorted, sampleOutside, samplesForRelativeError } from './sample.js';
import type { Estimate, NearestFn, PointSet } from './types.js';

/**
 * DEANN (Karppa, Aumüller, Pagh, "DEANN: Speeding up Kernel-Density Estimation using Approximate Nearest
 * Neighbor Search", AISTATS 2022): the m nearest points N found through the index contribute exactly, the
 * other n − |N| points through a uniform sample drawn from outside N:
 *   F̂ = (1/n) [ Σ_{j∈N} w_j k(q, x_j) + (n − |N|)·(1/s) Σ_t w_J k(q, x_J) ],  J_t i.i.d. uniform on [n] \ N.
 * Given N (whatever the index returned, exact or approximate) the second term is an unbiased estimate of the
 * sum over the rest, so F̂ is unbiased; the neighbours only remove the largest terms from the variance, which is
 * what makes small bandwidths (where a few points hold the density) cheap. error = ((n − |N|)/n)·s_rest/√s.
 * An ε budget sizes s by a pilot on the rest, targeting SE ≤ ε·F̂ with the exact part counted (DEANN's
 * relative-error goal); the pilot is discarded. If s would reach n − |N| the rest is summed exactly.
 */
export function densityAnnWorker(
  points: PointSet,
  weights: Float64Array | undefined,
  k: KernelEval,
  q: Float64Array,
  neighbours: number,
  nearest: NearestFn,
  budget: SampleBudget,
  rng: Rng,
  acc: MeanAccumulator,
): Estimate {
  const { data, count: n, dimension: d } = points;
  if (n === 0) return { value: 0, error: 0, touched: 0 };
  const found = neighbourSet(nearest(q, Math.min(neighbours, n)), n);
  let head = 0;
  for (let i = 0; i < found.length; i++) {
    const j = found[i]!;
    head += (weights === undefined ? 1 : weights[j]!) * k(q, data, j, d);
  }
  let touched = found.length;
  const rest = n - found.length;
  if (rest === 0) return { value: head / n, error: 0, touched };

  let s: number;
  if ('samples' in budget) s = budget.samples;
  else {
    sampleRest(points, weights, k, q, found, PILOT_SAMPLES, rng, acc);
    touched += PILOT_SAMPLES;
    // Target SE(F̂)·n = rest·sd/√s ≤ ε·(head + rest·mean): an effective coefficient of variation.
    const total = head + rest * acc.mean;
    s = samplesForRelativeError(total / rest, acc.variance(), budget.epsilon, 2, budget.maxSamples);
  }
  if (s >= rest) {
    let tail = 0;
    for (let j = 0; j < n; j++) {
      if (containsSorted(found, j)) continue;
      tail += (weights === undefined ? 1 : weights[j]!) * k(q, data, j, d);
    }
    return { value: (head + tail) / n, error: 0, touched: touched + rest };
  }
  sampleRest(points, weights, k, q, found, s, rng, acc);
  return {
    value: (head + rest * acc.mean) / n,
    error: (rest / n) * acc.standardError(),
    touched: touched + s,
  };
}

function sampleRest(
  points: PointSet,
  weights: Float64Array | undefined,
  k: KernelEval,
  q: Float64Array,
  found: Int32Array,
  s: number,
  rng: Rng,
  acc: MeanAccumulator,
): void {
  const { data, count, dimension } = points;
  acc.reset();
  for (let t = 0; t < s; t++) {
    const j = sampleOutside(rng, count, found);
    acc.push((weights === undefined ? 1 : weights[j]!) * k(q, data, j, dimension));
  }
}

/** The oracle's rows, checked (in range, distinct) and sorted for the rejection sampler's binary search. */
export function neighbourSet(result: { indices: ArrayLike<number> }, n: number): Int32Array {
  const idx = result?.indices;
  assertArg(
    idx !== undefined && typeof idx.length === 'number',
    'INTERNAL',
    'nearest() must return { indices }',
  );
  const out = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i]!;
    assertArg(Number.isInteger(j) && j >= 0 && j < n, 'INTERNAL', `nearest() returned row ${j} out of range`);
    out[i] = j;
  }
  out.sort();
  for (let i = 1; i < out.length; i++)
    assertArg(out[i] !== out[i - 1], 'INTERNAL', `nearest() returned row ${out[i]} twice`);
  return out;
}
