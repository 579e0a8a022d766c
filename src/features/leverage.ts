import { assertArg } from '../errors.js';
import { Rng } from '../rng.js';
import { type KernelSpec, logGamma, validateKernel } from './kernel.js';
import type { RffMap } from './rff.js';
import { isIsotropic, logSpectralDensity } from './spectral.js';

/**
 * Modified random Fourier features sampled from a bound on the ridge leverage function, with importance
 * weights (Avron, Kapralov, Musco, Musco, Velingker, Zandieh 2017, "Random Fourier Features for Kernel Ridge
 * Regression: Approximation Bounds and Statistical Guarantees").
 *
 * The paper's ridge leverage function is τ_λ(ω) = p(ω) · z_ωᴴ (K + λI)⁻¹ z_ω with z_ω(x) = e^{−iωᵀx}
 * (its Definition of the leverage function); sampling ω from q ∝ τ̄ ≥ τ_λ and weighting each feature by
 * √(p(ω)/q(ω)) keeps E[ZZᵀ] = K and needs only O(s_λ log s_λ) features for a spectral approximation when
 * ∫τ̄ ≈ s_λ (their main theorem on modified RFF). Two bounds on τ_λ are used, as in the paper:
 *   (1) τ_λ(ω) ≤ p(ω) ‖z_ω‖² / λ = p(ω) · n/λ, since |z_ω(x)| = 1 (the bound that plain RFF pays for);
 *   (2) for low-dimensional data confined to a box of volume V, τ_λ is flat at low frequencies: the paper bounds
 *       it by a constant proportional to the data's extent (its analysis of the Gaussian kernel in one and then
 *       d dimensions). We take that constant as V/(2π)^d, the density of degrees of freedom of functions
 *       restricted to a box of volume V per unit frequency volume (Landau's time–frequency count), instead of the
 *       paper's loose numeric constant.
 * So q(ω) ∝ τ̄(ω) = min(p(ω)·n/λ, V/(2π)^d): flat over a ball, then the kernel's own spectrum in the tails, and
 * the weight is p/q = Z_q · max(λ/n, p(ω)(2π)^d/V) with Z_q = ∫τ̄.
 * Sampling is radial (the kernel must be isotropic: Gaussian or Matérn): a uniform direction times a radius drawn
 * from the tabulated density S_{d−1} r^{d−1} τ̄(r) by inverse CDF on a log-spaced grid.
 */
export interface LeverageOptions {
  /** Ridge parameter λ of the regression the features are for (not scaled by n). */
  lambda: number;
}

const GRID = 4096;

export function createLeverageRff(
  kernel: KernelSpec,
  x: ArrayLike<number>,
  rows: number,
  dim: number,
  count: number,
  options: LeverageOptions,
  seed: number,
): RffMap {
  validateKernel(kernel);
  assertArg(
    isIsotropic(kernel),
    'INVALID_ARGUMENT',
    'leverage_rff needs an isotropic kernel (gaussian or matern)',
  );
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
  assertArg(Number.isInteger(rows) && rows > 0, 'INVALID_ARGUMENT', 'leverage_rff needs training rows');
  assertArg(
    Number.isFinite(options.lambda) && options.lambda > 0,
    'INVALID_ARGUMENT',
    'leverage_rff needs a positive lambda',
  );

  // Box volume of the data; a constant coordinate contributes the bandwidth so that V stays positive.
  let logVolume = 0;
  for (let k = 0; k < dim; k++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < rows; i++) {
      const v = x[i * dim + k]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    logVolume += Math.log(Math.max(hi - lo, kernel.bandwidth));
  }
  const logFlat = logVolume - dim * Math.log(2 * Math.PI);
  const logNOverLambda = Math.log(rows / options.lambda);
  const logSphere = Math.log(2) + 0.5 * dim * Math.log(Math.PI) - logGamma(dim / 2);
  const logTauBar = (r: number) => Math.min(logSpectralDensity(kernel, dim, r) + logNOverLambda, logFlat);

  // Radial grid: wide enough that the mass left outside is negligible for Gaussian and heavy Matérn tails.
  const s = kernel.bandwidth;
  const rLo = 1e-8 / s;
  const rHi =
    kernel.kind === 'gaussian'
      ? (Math.sqrt(dim) + Math.sqrt(2 * (Math.max(logNOverLambda, 0) + 60))) / s
      : 1e7 / s;
  const radius = new Float64Array(GRID);
  const density = new Float64Array(GRID);
  const cdf = new Float64Array(GRID);
  // Work relative to the largest log-density so that exp() neither overflows nor underflows.
  let logMax = Number.NEGATIVE_INFINITY;
  const logDensity = new Float64Array(GRID);
  for (let g = 0; g < GRID; g++) {
    const r = rLo * (rHi / rLo) ** (g / (GRID - 1));
    radius[g] = r;
    logDensity[g] = logSphere + (dim - 1) * Math.log(r) + logTauBar(r);
    if (logDensity[g]! > logMax) logMax = logDensity[g]!;
  }
  for (let g = 0; g < GRID; g++) density[g] = Math.exp(logDensity[g]! - logMax);
  // Mass on [0, rLo]: the density there behaves like r^{d−1}, whose integral is rLo·f(rLo)/d.
  cdf[0] = (rLo * density[0]!) / dim;
  for (let g = 1; g < GRID; g++)
    cdf[g] = cdf[g - 1]! + 0.5 * (density[g]! + density[g - 1]!) * (radius[g]! - radius[g - 1]!);
  const total = cdf[GRID - 1]!;
  const logZq = Math.log(total) + logMax; // ln ∫ τ̄(ω) dω

  const rng = new Rng(seed, 0x1e7e);
  const omega = new Float64Array(dim * count);
  const phase = new Float64Array(count);
  const weight = new Float64Array(count);
  const dir = new Float64Array(dim);
  const base = Math.sqrt(2 / count);
  for (let j = 0; j < count; j++) {
    const r = sampleRadius(radius, density, cdf, rng.next() * total, dim);
    let norm = 0;
    do {
      norm = 0;
      for (let k = 0; k < dim; k++) {
        const g = rng.gaussian();
        dir[k] = g;
        norm += g * g;
      }
    } while (norm === 0);
    const f = r / Math.sqrt(norm);
    for (let k = 0; k < dim; k++) omega[k * count + j] = dir[k]! * f;
    phase[j] = 2 * Math.PI * rng.next();
    // p/q = p · Z_q / τ̄, evaluated in logs (p and τ̄ span hundreds of orders of magnitude).
    const logRatio = logSpectralDensity(kernel, dim, r) + logZq - logTauBar(r);
    weight[j] = base * Math.exp(0.5 * logRatio);
  }
  return { type: 'leverage_rff', dim, count, omega, phase, weight };
}

/** Inverse of the piecewise-linear-density CDF on the grid: solves for r with CDF(r) = u. */
function sampleRadius(
  radius: Float64Array,
  density: Float64Array,
  cdf: Float64Array,
  u: number,
  dim: number,
): number {
  // Below the grid the CDF grows like r^d.
  if (u <= cdf[0]!) return radius[0]! * (u / cdf[0]!) ** (1 / dim);
  let lo = 0;
  let hi = cdf.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! < u) lo = mid;
    else hi = mid;
  }
  // Within a cell the density is linear, f(t) = f0 + (f1 − f0)t/h; solve the quadratic for the offset.
  const h = radius[hi]! - radius[lo]!;
  const f0 = density[lo]!;
  const f1 = density[hi]!;
  const need = u - cdf[lo]!;
  const a = (f1 - f0) / (2 * h);
  let t: number;
  if (Math.abs(a) < 1e-300 || Math.abs(a * need) < 1e-12 * f0 * f0) t = f0 > 0 ? need / f0 : 0.5 * h;
  else t = (-f0 + Math.sqrt(Math.max(0, f0 * f0 + 4 * a * need))) / (2 * a);
  return radius[lo]! + Math.min(Math.max(t, 0), h);
}
