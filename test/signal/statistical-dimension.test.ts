import { describe, expect, it } from 'vitest';
import { normalizePrior, priorDensity, priorKernel } from '../../src/signal/priors.js';
import {
  cauchyStatisticalDimension,
  nystromNodeCount,
  statisticalDimension,
  statisticalDimensionOf,
} from '../../src/signal/statistical-dimension.js';

const smoothPriors = [
  { type: 'bandlimited', band: 1 },
  {
    type: 'multiband',
    bands: [
      [0.5, 1],
      [2, 2.5],
    ],
  },
  { type: 'gaussian', sigma: 0.8 },
] as const;

/** Szegő's bulk term T ∫ p/(p+λ) dξ, by the midpoint rule on [−L, L]. */
function szego(prior: unknown, T: number, lambda: number, L: number): number {
  const p = normalizePrior(prior);
  const m = 200_000;
  const h = (2 * L) / m;
  let s = 0;
  for (let i = 0; i < m; i++) {
    const d = priorDensity(p, -L + (i + 0.5) * h);
    s += d / (d + lambda);
  }
  return T * s * h;
}

describe('statistical dimension', () => {
  it('the Nyström estimate has converged at the chosen node count', () => {
    for (const prior of smoothPriors) {
      const p = normalizePrior(prior);
      const n = nystromNodeCount(p, 8, 1e-6);
      const a = statisticalDimensionOf(p, 8, 1e-6);
      const b = statisticalDimensionOf(p, 8, 1e-6, Math.round(1.5 * n));
      expect(Math.abs(a - b)).toBeLessThan(1e-6 * a);
    }
  });

  it('for large λ tends to tr(K)/λ = T·k(0)/λ (s = Σ μ_k/(μ_k+λ), Σ μ_k = T k(0)), for every prior', () => {
    const T = 3;
    const lambda = 1e4;
    for (const prior of [...smoothPriors, { type: 'cauchy', scale: 0.5 }]) {
      const p = normalizePrior(prior);
      const trace = T * priorKernel(p, 0);
      const s = statisticalDimension({ prior, T, lambda });
      // s = Σ μ/(μ+λ) lies between tr/λ − Σμ²/λ² ≥ tr/λ·(1 − max μ/λ) and tr/λ; max μ ≤ 1 here.
      expect(s).toBeLessThanOrEqual((trace / lambda) * (1 + 1e-9));
      expect(s).toBeGreaterThan((trace / lambda) * (1 - 2 / lambda));
    }
  });

  it('bandlimited: 2FT plus a Landau–Widom plunge term, growing like log(FT)·log(1/λ)', () => {
    for (const T of [5, 10, 40]) {
      for (const lambda of [1e-2, 1e-6]) {
        const s = statisticalDimension({ prior: { type: 'bandlimited', band: 1 }, T, lambda });
        // Landau–Widom: about (2/π²) ln(2πFT) ln(1/λ) eigenvalues lie in the plunge (λ, 1 − λ), each
        // adding at most 1; those below 1/2 add about half, so the excess is ≈ (1/π²)·ln(2πFT)·ln(1/λ).
        expect(s).toBeGreaterThan(2 * T);
        expect(s - 2 * T).toBeLessThan(
          (1 / Math.PI ** 2) * (Math.log(2 * Math.PI * T) + 2) * Math.log(1 / lambda),
        );
      }
    }
  });

  it('grows linearly in T with Szegő’s slope ∫ p/(p+λ) dξ (edge terms cancel in s(2T) − s(T))', () => {
    for (const prior of smoothPriors) {
      const lambda = 1e-3;
      const d =
        statisticalDimension({ prior, T: 12, lambda }) - statisticalDimension({ prior, T: 6, lambda });
      const slope = szego(prior, 6, lambda, 8);
      // Band-edge plunge terms grow like ln T (previous test), so allow (1/π²)·ln 2·ln(1/λ)·(#edges).
      const edges = prior.type === 'multiband' ? 4 : prior.type === 'bandlimited' ? 1 : 0;
      expect(Math.abs(d - slope)).toBeLessThan(
        1e-3 + edges * (Math.LN2 / Math.PI ** 2) * Math.log(1 / lambda),
      );
    }
  });

  it('Cauchy: the closed-form Ornstein–Uhlenbeck spectrum agrees with a resolved Nyström estimate', () => {
    for (const [T, lambda] of [
      [5, 0.2],
      [2, 0.1],
    ] as const) {
      const exact = cauchyStatisticalDimension(0.2, T, lambda);
      const nys = statisticalDimensionOf(normalizePrior({ type: 'cauchy', scale: 0.2 }), T, lambda, 600);
      expect(Math.abs(exact - nys)).toBeLessThan(2e-3 * exact);
    }
    // and with Szegő's bulk term 2T·γ·(π/2)/√(λ(1+λ)) up to an O(1) edge correction at long T.
    const s = statisticalDimension({ prior: { type: 'cauchy', scale: 1 }, T: 10, lambda: 1e-4 });
    const bulk = (2 * 10 * Math.PI) / 2 / Math.sqrt(1e-4 * (1 + 1e-4));
    expect(Math.abs(s - bulk)).toBeLessThan(2);
  });

  it('decreases in λ', () => {
    const prior = { type: 'gaussian', sigma: 1 };
    let prev = Number.POSITIVE_INFINITY;
    for (const lambda of [1e-8, 1e-6, 1e-4, 1e-2, 1]) {
      const s = statisticalDimension({ prior, T: 4, lambda });
      expect(s).toBeLessThan(prev);
      prev = s;
    }
  });

  it('validates its input with stable codes', () => {
    const prior = { type: 'bandlimited', band: 1 };
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return 'no error';
    };
    expect(code(() => statisticalDimension({ prior, T: 0, lambda: 1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => statisticalDimension({ prior, T: -1, lambda: 1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => statisticalDimension({ prior, T: Number.NaN, lambda: 1 }))).toBe('NON_FINITE_VALUE');
    expect(code(() => statisticalDimension({ prior, T: 1, lambda: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => statisticalDimension({ prior, T: 1, lambda: -1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => statisticalDimension({ prior, T: 1, lambda: Number.POSITIVE_INFINITY }))).toBe(
      'NON_FINITE_VALUE',
    );
    expect(code(() => statisticalDimension({ prior: { type: 'x' }, T: 1, lambda: 1 }))).toBe('INVALID_PRIOR');
  });
});
