import { describe, expect, it } from 'vitest';
import { normalizePrior, priorDensity, priorKernel, sinc } from '../../src/signal/priors.js';

/** ∫ p(ξ) cos(2πξτ) dξ over [−L, L] by the midpoint rule (cells aligned with every band edge below). */
function numericKernel(p: (xi: number) => number, tau: number, L: number, m: number): number {
  const h = (2 * L) / m;
  let s = 0;
  for (let i = 0; i < m; i++) {
    const xi = -L + (i + 0.5) * h;
    s += p(xi) * Math.cos(2 * Math.PI * xi * tau);
  }
  return s * h;
}

describe('spectral priors', () => {
  const cases = [
    { prior: { type: 'bandlimited', band: 1.5 }, L: 1.5, m: 150_000, tol: 1e-6 },
    {
      prior: {
        type: 'multiband',
        bands: [
          [2, 3],
          [0.5, 1],
        ],
      },
      L: 3,
      m: 150_000,
      tol: 1e-6,
    },
    { prior: { type: 'gaussian', sigma: 0.7 }, L: 10, m: 100_000, tol: 1e-8 },
    // The Cauchy tail beyond L contributes ≈ 2γ²/L ≈ 1e-4 of the integral; midpoint error adds less.
    { prior: { type: 'cauchy', scale: 0.4 }, L: 4000, m: 600_000, tol: 2e-4 },
  ];
  for (const { prior, L, m, tol } of cases) {
    it(`${prior.type}: closed-form kernel is the inverse Fourier transform of the density`, () => {
      const p = normalizePrior(prior);
      for (const tau of [0, 0.013, 0.21, 0.5, 1.37, 3.9]) {
        const want = numericKernel((xi) => priorDensity(p, xi), tau, L, m);
        expect(Math.abs(priorKernel(p, tau) - want)).toBeLessThan(tol * priorKernel(p, 0));
        expect(priorKernel(p, -tau)).toBe(priorKernel(p, tau));
      }
    });
  }

  it('densities peak at 1 and are even', () => {
    for (const { prior } of cases) {
      const p = normalizePrior(prior);
      for (const xi of [0.1, 0.7, 2.5]) expect(priorDensity(p, -xi)).toBe(priorDensity(p, xi));
      expect(priorDensity(p, prior.type === 'multiband' ? 2.5 : 0)).toBe(1);
    }
  });

  it('sinc is continuous through 0', () => {
    expect(sinc(0)).toBe(1);
    expect(Math.abs(sinc(1e-5) - Math.sin(Math.PI * 1e-5) / (Math.PI * 1e-5))).toBeLessThan(1e-15);
    expect(Math.abs(sinc(1))).toBeLessThan(1e-15);
  });

  it('sorts bands and keeps a band starting at 0 (the bandlimited case)', () => {
    const p = normalizePrior({
      type: 'multiband',
      bands: [
        [3, 4],
        [0, 1],
      ],
    });
    expect(p).toEqual({
      type: 'multiband',
      bands: [
        [0, 1],
        [3, 4],
      ],
    });
    const b = normalizePrior({ type: 'bandlimited', band: 1 });
    const m = normalizePrior({ type: 'multiband', bands: [[0, 1]] });
    for (const tau of [0, 0.3, 2.2]) expect(priorKernel(m, tau)).toBeCloseTo(priorKernel(b, tau), 12);
  });

  const bad: unknown[] = [
    null,
    42,
    [],
    {},
    { type: 'lowpass', band: 1 },
    { type: 'bandlimited' },
    { type: 'bandlimited', band: 0 },
    { type: 'bandlimited', band: -1 },
    { type: 'bandlimited', band: Number.NaN },
    { type: 'bandlimited', band: Number.POSITIVE_INFINITY },
    { type: 'bandlimited', band: '1' },
    { type: 'bandlimited', band: 1, extra: true },
    { type: 'gaussian', sigma: 0 },
    { type: 'cauchy', scale: -2 },
    { type: 'multiband', bands: [] },
    { type: 'multiband', bands: [[1]] },
    { type: 'multiband', bands: [[2, 1]] },
    { type: 'multiband', bands: [[1, 1]] },
    { type: 'multiband', bands: [[-1, 1]] },
    {
      type: 'multiband',
      bands: [
        [0, 2],
        [1, 3],
      ],
    },
    { type: 'multiband', bands: [[0, Number.NaN]] },
    { type: 'multiband', bands: 'x' },
  ];
  it('rejects every malformed prior with INVALID_PRIOR', () => {
    for (const prior of bad) {
      expect(() => normalizePrior(prior), JSON.stringify(prior)).toThrow(
        expect.objectContaining({ code: 'INVALID_PRIOR' }),
      );
    }
  });
});
