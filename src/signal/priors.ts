import { assertArg, DitherError } from '../errors.js';

/**
 * Fourier power-spectrum priors for real-valued 1-D signals, and the stationary kernels they induce.
 *
 * Avron, Kapralov, Musco, Musco, Velingker, Zandieh (STOC 2019), "A Universal Sampling Method for
 * Reconstructing Signals with Simple Fourier Transforms", §1–2: a prior is a measure μ on frequencies
 * ξ (here μ(dξ) = p(ξ) dξ), the signal is y = F_μ g with (F_μ g)(t) = ∫ g(ξ) e^{2πiξt} dμ(ξ), and the kernel
 * of F_μ F_μ* is k(t, t') = ∫ p(ξ) e^{2πiξ(t−t')} dξ.
 *
 * Normalisation (ours, so that λ means the same thing for every prior): every density has peak value 1.
 * Then, by Szegő's theorem, the integral operator (K f)(t) = ∫_0^T k(t − t') f(t') dt' has about T·dξ
 * eigenvalues near p(ξ) per frequency interval dξ, all ≤ 1, and λ reads as "noise power relative to the
 * in-band spectral power". Signals are real, so every density is even: p(ξ) = p(−ξ).
 *  - bandlimited { band: F }:       p = 1 on [−F, F];                k(τ) = 2F·sinc(2Fτ)
 *  - multiband { bands: [[lo,hi]] }: p = 1 on ∪ ±[lo, hi];            k(τ) = Σ 2(hi−lo)·sinc((hi−lo)τ)·cos(π(hi+lo)τ)
 *  - gaussian { sigma }:            p(ξ) = exp(−ξ²/(2σ²));            k(τ) = σ√(2π)·exp(−2π²σ²τ²)
 *  - cauchy { scale }:              p(ξ) = 1/(1 + (ξ/γ)²), γ = scale; k(τ) = πγ·exp(−2πγ|τ|)
 * with sinc(x) = sin(πx)/(πx). Frequencies are in cycles per unit of t.
 */
export type SpectralPrior =
  | { type: 'bandlimited'; band: number }
  | { type: 'multiband'; bands: ReadonlyArray<readonly [number, number]> }
  | { type: 'gaussian'; sigma: number }
  | { type: 'cauchy'; scale: number };

/** A validated prior: bands sorted and frozen, so kernels never re-check their input. */
export type NormalizedPrior =
  | { readonly type: 'bandlimited'; readonly band: number }
  | { readonly type: 'multiband'; readonly bands: ReadonlyArray<readonly [number, number]> }
  | { readonly type: 'gaussian'; readonly sigma: number }
  | { readonly type: 'cauchy'; readonly scale: number };

const MAX_BANDS = 64;

function positiveFinite(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0;
}

function exactKeys(obj: object, keys: readonly string[]): boolean {
  const own = Object.keys(obj);
  return own.length === keys.length && own.every((k) => keys.includes(k));
}

/**
 * Validates a prior coming from a caller (possibly parsed JSON) and returns a normalized copy.
 * Unknown types, unknown keys, non-positive or non-finite parameters, empty, reversed or overlapping bands
 * all throw INVALID_PRIOR: overlapping bands would silently double the spectral density on the overlap.
 */
export function normalizePrior(prior: unknown): NormalizedPrior {
  assertArg(
    typeof prior === 'object' && prior !== null && !Array.isArray(prior),
    'INVALID_PRIOR',
    'prior must be an object',
  );
  const p = prior as Record<string, unknown>;
  switch (p.type) {
    case 'bandlimited':
      assertArg(
        exactKeys(p, ['type', 'band']),
        'INVALID_PRIOR',
        'bandlimited prior takes only { type, band }',
      );
      assertArg(positiveFinite(p.band), 'INVALID_PRIOR', 'band must be a positive finite frequency');
      return Object.freeze({ type: 'bandlimited', band: p.band });
    case 'gaussian':
      assertArg(
        exactKeys(p, ['type', 'sigma']),
        'INVALID_PRIOR',
        'gaussian prior takes only { type, sigma }',
      );
      assertArg(positiveFinite(p.sigma), 'INVALID_PRIOR', 'sigma must be positive and finite');
      return Object.freeze({ type: 'gaussian', sigma: p.sigma });
    case 'cauchy':
      assertArg(exactKeys(p, ['type', 'scale']), 'INVALID_PRIOR', 'cauchy prior takes only { type, scale }');
      assertArg(positiveFinite(p.scale), 'INVALID_PRIOR', 'scale must be positive and finite');
      return Object.freeze({ type: 'cauchy', scale: p.scale });
    case 'multiband': {
      assertArg(
        exactKeys(p, ['type', 'bands']),
        'INVALID_PRIOR',
        'multiband prior takes only { type, bands }',
      );
      const bands = p.bands;
      assertArg(
        Array.isArray(bands) && bands.length > 0 && bands.length <= MAX_BANDS,
        'INVALID_PRIOR',
        `bands must be a non-empty array of at most ${MAX_BANDS} [lo, hi] pairs`,
      );
      const out: Array<readonly [number, number]> = [];
      for (const b of bands as unknown[]) {
        assertArg(Array.isArray(b) && b.length === 2, 'INVALID_PRIOR', 'each band must be a [lo, hi] pair');
        const [lo, hi] = b as unknown[];
        assertArg(
          typeof lo === 'number' && typeof hi === 'number' && Number.isFinite(lo) && Number.isFinite(hi),
          'INVALID_PRIOR',
          'band edges must be finite numbers',
        );
        assertArg(lo >= 0 && lo < hi, 'INVALID_PRIOR', 'each band needs 0 <= lo < hi');
        out.push(Object.freeze([lo, hi] as const));
      }
      out.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < out.length; i++) {
        assertArg(out[i]![0] >= out[i - 1]![1], 'INVALID_PRIOR', 'bands must not overlap');
      }
      return Object.freeze({ type: 'multiband', bands: Object.freeze(out) });
    }
    default:
      throw new DitherError('INVALID_PRIOR', 'prior.type must be bandlimited, multiband, gaussian or cauchy');
  }
}

/** sin(πx)/(πx), with the Taylor series near 0 where the quotient loses digits. */
export function sinc(x: number): number {
  const a = Math.PI * x;
  if (Math.abs(a) < 1e-4) return 1 - (a * a) / 6;
  return Math.sin(a) / a;
}

/** k(τ) = ∫ p(ξ) e^{2πiξτ} dξ for the normalized prior (real and even because p is). */
export function priorKernel(prior: NormalizedPrior, tau: number): number {
  switch (prior.type) {
    case 'bandlimited':
      return 2 * prior.band * sinc(2 * prior.band * tau);
    case 'multiband': {
      // ∫_{±[lo,hi]} e^{2πiξτ} dξ = 2∫_lo^hi cos(2πξτ) dξ: a sinc of the band's width modulated to its centre.
      let s = 0;
      for (const [lo, hi] of prior.bands) {
        s += 2 * (hi - lo) * sinc((hi - lo) * tau) * Math.cos(Math.PI * (hi + lo) * tau);
      }
      return s;
    }
    case 'gaussian': {
      const s = prior.sigma;
      return s * Math.sqrt(2 * Math.PI) * Math.exp(-2 * Math.PI * Math.PI * s * s * tau * tau);
    }
    case 'cauchy': {
      const g = prior.scale;
      return Math.PI * g * Math.exp(-2 * Math.PI * g * Math.abs(tau));
    }
  }
}

/** The spectral density p(ξ) (peak 1). */
export function priorDensity(prior: NormalizedPrior, xi: number): number {
  const a = Math.abs(xi);
  switch (prior.type) {
    case 'bandlimited':
      return a <= prior.band ? 1 : 0;
    case 'multiband':
      for (const [lo, hi] of prior.bands) if (a >= lo && a <= hi) return 1;
      return 0;
    case 'gaussian':
      return Math.exp(-(a * a) / (2 * prior.sigma * prior.sigma));
    case 'cauchy': {
      const r = a / prior.scale;
      return 1 / (1 + r * r);
    }
  }
}

/**
 * The frequency beyond which p(ξ) ≤ floor. Below λ·10⁻³ the modes add less than 10⁻³ each to
 * tr(K(K+λ)⁻¹), which is what the discretisation of the statistical dimension needs to resolve.
 */
export function priorFrequencyExtent(prior: NormalizedPrior, floor: number): number {
  switch (prior.type) {
    case 'bandlimited':
      return prior.band;
    case 'multiband':
      return prior.bands[prior.bands.length - 1]![1];
    case 'gaussian':
      return floor >= 1 ? 0 : prior.sigma * Math.sqrt(2 * Math.log(1 / floor));
    case 'cauchy':
      return floor >= 1 ? 0 : prior.scale * Math.sqrt(1 / floor - 1);
  }
}
