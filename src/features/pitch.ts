import { type KernelSpec, kernelProfile1d } from './kernel.js';

/**
 * Pitch laws for (weighted) random binning along one coordinate.
 *
 * A random grid of pitch w and uniform shift puts x and x + δ in the same cell with probability (1 − |δ|/w)₊.
 * - Box bins (Rahimi & Recht 2007, "Random Features for Large-Scale Kernel Machines", Sec. 4, Algorithm 2):
 *   with pitch density p(w) = w k''(w) the expected indicator product is k(δ), valid for convex k. For
 *   k(δ) = exp(−|δ|/σ), p(w) = w e^{−w/σ}/σ², a Gamma(2, σ) law — exact for the ℓ1 Laplacian and for Matérn
 *   ν = 1/2 in one dimension.
 * - Weighted bins (Kapralov, Nouri, Razenshteyn, Velingker, Zandieh 2020, "Scaling up Kernel Ridge Regression via
 *   Locality Sensitive Hashing"): box bins cannot produce smooth kernels such as the Gaussian or Matérn 3/2, 5/2.
 *   Weighting each point by a profile h(t) of its position t ∈ [0, 1) inside its cell, h vanishing at the cell
 *   edges, makes the expected product the autocorrelation of h, which is smooth at 0. We use h(t) = √2 sin(πt),
 *   whose autocorrelation is Bohman's compactly supported function B(s) = (1 − s)cos(πs) + sin(πs)/π on [0, 1]
 *   (B(0) = 1, B'(0) = 0). The target profile k₁ is then matched by a nonnegative scale mixture
 *   k₁(s) ≈ Σ_m π_m B(s/w_m) over a log-spaced set of pitches, fitted once by nonnegative least squares with
 *   Σ π_m = 1, so the expected binning kernel is the PSD kernel Σ_m π_m B(|δ|/w_m) ≈ k₁ (the maximal deviation
 *   is reported in `maxError`).
 */
export type PitchLaw =
  | { profile: 'box'; scale: number }
  | {
      profile: 'smooth';
      pitches: Float64Array;
      cumulative: Float64Array;
      weights: Float64Array;
      maxError: number;
    };

export function bohman(s: number): number {
  const a = Math.abs(s);
  if (a >= 1) return 0;
  return (1 - a) * Math.cos(Math.PI * a) + Math.sin(Math.PI * a) / Math.PI;
}

const fitted = new Map<string, { pitches: Float64Array; weights: Float64Array; maxError: number }>();

export function pitchLaw(kernel: KernelSpec): PitchLaw {
  if (kernel.kind === 'laplacian' || (kernel.kind === 'matern' && kernel.nu === 0.5))
    return { profile: 'box', scale: kernel.bandwidth };
  const key = `${kernel.kind}:${kernel.nu ?? ''}`;
  let fit = fitted.get(key);
  if (fit === undefined) {
    fit = fitMixture({ ...kernel, bandwidth: 1 });
    fitted.set(key, fit);
  }
  const pitches = new Float64Array(fit.pitches.length);
  const cumulative = new Float64Array(fit.pitches.length);
  let c = 0;
  for (let m = 0; m < pitches.length; m++) {
    pitches[m] = fit.pitches[m]! * kernel.bandwidth;
    c += fit.weights[m]!;
    cumulative[m] = c;
  }
  return { profile: 'smooth', pitches, cumulative, weights: fit.weights, maxError: fit.maxError };
}

/** Draws one pitch from the law (inverse CDF for the discrete mixture; Gamma(2) as a sum of two exponentials). */
export function samplePitch(law: PitchLaw, u1: number, u2: number): number {
  if (law.profile === 'box') return -law.scale * (Math.log(1 - u1) + Math.log(1 - u2));
  const c = law.cumulative;
  const target = u1 * c[c.length - 1]!;
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c[mid]! <= target) lo = mid + 1;
    else hi = mid;
  }
  return law.pitches[lo]!;
}

/** The one-dimensional kernel the binning features reproduce in expectation. */
export function expectedProfile(law: PitchLaw, s: number): number {
  if (law.profile === 'box') return Math.exp(-Math.abs(s) / law.scale);
  let k = 0;
  for (let m = 0; m < law.pitches.length; m++) k += law.weights[m]! * bohman(s / law.pitches[m]!);
  return k;
}

const PITCHES = 56;
const SAMPLES = 321;

function fitMixture(unit: KernelSpec): { pitches: Float64Array; weights: Float64Array; maxError: number } {
  const pitches = new Float64Array(PITCHES);
  for (let m = 0; m < PITCHES; m++) pitches[m] = 10 ** (-1.5 + (3.5 * m) / (PITCHES - 1));
  // Least squares on s ∈ [0, 8σ]; the row at s = 0 (B(0) = 1 for every pitch) is weighted heavily so that
  // Σ π_m = k(0) = 1 holds before the final renormalisation.
  const a = new Float64Array(PITCHES * PITCHES);
  const b = new Float64Array(PITCHES);
  const row = new Float64Array(PITCHES);
  for (let i = 0; i < SAMPLES; i++) {
    const s = (8 * i) / (SAMPLES - 1);
    const w = i === 0 ? 100 : 1;
    const target = kernelProfile1d(unit, s);
    for (let m = 0; m < PITCHES; m++) row[m] = bohman(s / pitches[m]!);
    for (let m = 0; m < PITCHES; m++) {
      b[m] = b[m]! + w * w * row[m]! * target;
      for (let l = 0; l < PITCHES; l++) a[m * PITCHES + l] = a[m * PITCHES + l]! + w * w * row[m]! * row[l]!;
    }
  }
  // Nonnegative least squares by cyclic coordinate descent on the normal equations (convex, monotone).
  const pi = new Float64Array(PITCHES).fill(1 / PITCHES);
  for (let sweep = 0; sweep < 20000; sweep++) {
    let change = 0;
    for (let m = 0; m < PITCHES; m++) {
      let g = -b[m]!;
      for (let l = 0; l < PITCHES; l++) g += a[m * PITCHES + l]! * pi[l]!;
      const next = Math.max(0, pi[m]! - g / a[m * PITCHES + m]!);
      change = Math.max(change, Math.abs(next - pi[m]!));
      pi[m] = next;
    }
    if (change < 1e-13) break;
  }
  let sum = 0;
  for (let m = 0; m < PITCHES; m++) sum += pi[m]!;
  for (let m = 0; m < PITCHES; m++) pi[m] = pi[m]! / sum;
  let maxError = 0;
  for (let i = 0; i <= 2000; i++) {
    const s = (10 * i) / 2000;
    let k = 0;
    for (let m = 0; m < PITCHES; m++) k += pi[m]! * bohman(s / pitches[m]!);
    maxError = Math.max(maxError, Math.abs(k - kernelProfile1d(unit, s)));
  }
  return { pitches, weights: pi, maxError };
}
