import { assertArg } from '../errors.js';
import { Rng } from '../rng.js';
import { validateHorizon } from './statistical-dimension.js';

/**
 * The universal sampling distribution of Avron, Kapralov, Musco, Musco, Velingker, Zandieh (STOC 2019).
 *
 * Which statement we follow: the paper's universal bound on the ridge leverage function — one function
 * τ̄(t) ≥ τ_{μ,ε}(t) for every prior μ at once, the result behind its universal-sampling theorem
 * (arXiv 1812.08723) — with the shape
 *     τ̄(t) ∝ s · min( s/T , 1/min(t, T − t) ),   s = s_{μ,ε},
 * flat at height ≈ s²/T within T/s of either endpoint (where bandlimited and polynomial-like signals can
 * spike) and decaying like s/distance-to-the-edge inside. Its integral is O(s log s); with matrix Chernoff
 * that gives the paper's O(s log² s) samples. We sample from the normalised density of exactly that shape,
 * the one stated for this module:
 *     p(t) = min(s/T, 1/m(t)) / Z,   m(t) = min(t, T − t),
 *     Z = 2 + 2 ln(s/2) for s > 2 (the cap meets 1/m at m = T/s);  p = 1/T (uniform) for s ≤ 2.
 * We rely on the shape, not on the paper's constants (we could not re-check the exact polylog factors of
 * its cap against the text here): a larger cap only moves the crossover T/s toward the endpoints. Every
 * sample carries its importance weight w_i = 1/(count · p(t_i)), so any such choice stays unbiased:
 * E Σ w_i f(t_i)² = ∫_0^T f².
 */
export interface SamplePlan {
  /** Sample times, sorted ascending, in [0, T]. */
  times: number[];
  /** Importance weights w_i = 1/(count·p(t_i)), aligned with `times`; Σ w_i ≈ T. */
  weights: number[];
  /** The statistical dimension s the density was built for. */
  statisticalDimension: number;
}

export interface UniversalSamplingInput {
  T: number;
  count: number;
  statisticalDimension: number;
  seed?: number;
}

export const MAX_PLAN_SAMPLES = 1_000_000;

/** Half of the normaliser: ∫_0^{T/2} min(s/T, 1/t) dt in units where the result does not depend on T. */
function halfMass(s: number): number {
  return s <= 2 ? s / 2 : 1 + Math.log(s / 2);
}

/** p(t) on [0, T] for statistical dimension s (0 outside). */
export function universalDensity(t: number, T: number, s: number): number {
  if (!(t >= 0 && t <= T)) return 0;
  const m = Math.min(t, T - t);
  const unnormalised = m * s <= T ? s / T : 1 / m;
  return unnormalised / (2 * halfMass(s));
}

/** P(X ≤ t) for the universal density, used by the Kolmogorov–Smirnov test and the benchmark. */
export function universalCdf(t: number, T: number, s: number): number {
  if (t <= 0) return 0;
  if (t >= T) return 1;
  const z = 2 * halfMass(s);
  const left = (x: number): number => {
    // ∫_0^x min(s/T, 1/u) du for x ≤ T/2.
    const c = T / s;
    return x <= c ? (s * x) / T : 1 + Math.log(x / c);
  };
  return t <= T / 2 ? left(t) / z : 1 - left(T - t) / z;
}

/** Inverse of the left-half CDF in unnormalised units: the x ≤ T/2 with ∫_0^x min(s/T, 1/u) du = u. */
function leftInverse(u: number, T: number, s: number): number {
  if (s <= 2 || u <= 1) return Math.min(T / 2, (u * T) / s);
  return Math.min(T / 2, (T / s) * Math.exp(u - 1));
}

/**
 * Public edge: draws `count` i.i.d. times from the universal density by inverse CDF (the density is
 * symmetric, so a uniform u picks a half and is inverted in closed form there), seeded by `seed`.
 */
export function universalSamplingTimes(input: UniversalSamplingInput): SamplePlan {
  assertArg(typeof input === 'object' && input !== null, 'INVALID_ARGUMENT', 'input must be an object');
  const { T, count, statisticalDimension: s } = input;
  const seed = input.seed ?? 0;
  validateHorizon(T);
  assertArg(
    typeof count === 'number' && Number.isInteger(count) && count >= 1 && count <= MAX_PLAN_SAMPLES,
    'INVALID_ARGUMENT',
    `count must be an integer from 1 to ${MAX_PLAN_SAMPLES}`,
  );
  assertArg(typeof s === 'number', 'INVALID_ARGUMENT', 'statisticalDimension must be a number');
  assertArg(Number.isFinite(s), 'NON_FINITE_VALUE', 'statisticalDimension must be finite');
  assertArg(s > 0, 'INVALID_ARGUMENT', 'statisticalDimension must be > 0');
  assertArg(
    typeof seed === 'number' && Number.isFinite(seed) && Number.isInteger(seed),
    'INVALID_ARGUMENT',
    'seed must be an integer',
  );
  return drawUniversal(T, count, s, seed);
}

function drawUniversal(T: number, count: number, s: number, seed: number): SamplePlan {
  const rng = new Rng(seed, 0x5a3b1e);
  const half = halfMass(s);
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const u = rng.next() * 2 * half;
    times[i] = u < half ? leftInverse(u, T, s) : T - leftInverse(2 * half - u, T, s);
  }
  times.sort();
  const weights: number[] = new Array(count);
  const out: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const t = times[i]!;
    out[i] = t;
    weights[i] = 1 / (count * universalDensity(t, T, s));
  }
  return { times: out, weights, statisticalDimension: s };
}

/**
 * Samples the paper's analysis asks for: O(s log² s) (their main theorem for the universal distribution).
 * We expose the practical rule used by the tests and the benchmark, count = ⌈oversampling · s⌉ with
 * oversampling 8 by default, which measured relative error ≤ 1e-2 on bandlimited and multiband signals
 * (docs/benchmarks/signals.md); `logSquared: true` gives ⌈oversampling · s · ln²(max(s, e))⌉ instead.
 */
export function impliedSampleCount(
  statisticalDimension: number,
  options: { oversampling?: number; logSquared?: boolean } = {},
): number {
  const s = statisticalDimension;
  assertArg(typeof s === 'number' && Number.isFinite(s) && s > 0, 'INVALID_ARGUMENT', 's must be > 0');
  const c = options.oversampling ?? 8;
  assertArg(Number.isFinite(c) && c > 0, 'INVALID_ARGUMENT', 'oversampling must be > 0');
  const l = Math.log(Math.max(s, Math.E));
  return Math.ceil(options.logSquared === true ? c * s * l * l : c * s);
}
