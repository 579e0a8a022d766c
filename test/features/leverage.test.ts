import { describe, expect, it } from 'vitest';
import { type KernelSpec, kernelValue } from '../../src/features/kernel.js';
import { createLeverageRff } from '../../src/features/leverage.js';
import { featureGram } from '../../src/features/map.js';
import { Rng } from '../../src/rng.js';

function uniformPoints(n: number, d: number, width: number, seed: number): Float64Array {
  const rng = new Rng(seed, 3);
  return Float64Array.from({ length: n * d }, () => width * rng.next());
}

describe('leverage-weighted RFF (Avron et al. 2017)', () => {
  it('importance weights average to one: E_q[p/q] = 1', () => {
    // weight_j² · D/2 = p(ω_j)/q(ω_j); its mean over ω_j ~ q is ∫p = 1. The ratio is bounded by Z_q·max(λ/n, ...)
    // so its sample standard deviation gives a valid standard error.
    for (const kernel of [
      { kind: 'gaussian', bandwidth: 0.3 },
      { kind: 'matern', bandwidth: 0.3, nu: 1.5 },
    ] as KernelSpec[]) {
      for (const d of [1, 2]) {
        const x = uniformPoints(400, d, 10, 1);
        const D = 20000;
        const map = createLeverageRff(kernel, x, 400, d, D, { lambda: 1e-3 }, 11);
        const r = Array.from(map.weight, (w) => (w * w * D) / 2);
        const m = r.reduce((a, b) => a + b) / D;
        const sd = Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / (D - 1));
        expect(Math.abs(m - 1)).toBeLessThan(4 * (sd / Math.sqrt(D)));
        // The distribution is not p itself: with small λ the flat part spreads frequencies, so weights vary.
        expect(sd).toBeGreaterThan(0.1);
      }
    }
  });

  it('is unbiased: the average of ZZᵀ over seeds is K within standard errors', () => {
    const kernel: KernelSpec = { kind: 'gaussian', bandwidth: 0.7 };
    const n = 16;
    const d = 2;
    const x = uniformPoints(n, d, 4, 2);
    const trials = 200;
    const sum = new Float64Array(n * n);
    const sum2 = new Float64Array(n * n);
    for (let t = 0; t < trials; t++) {
      const g = featureGram(createLeverageRff(kernel, x, n, d, 64, { lambda: 0.01 }, 50 + t), x, n);
      for (let i = 0; i < n * n; i++) {
        sum[i] = sum[i]! + g[i]!;
        sum2[i] = sum2[i]! + g[i]! * g[i]!;
      }
    }
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const q = i * n + j;
        const mean = sum[q]! / trials;
        const se = Math.sqrt(Math.max(sum2[q]! / trials - mean * mean, 1e-12) / trials);
        expect(Math.abs(mean - kernelValue(kernel, x, i * d, x, j * d, d))).toBeLessThan(5 * se + 1e-9);
      }
  });

  it('spreads frequencies wider than plain RFF when λ is small, and matches p when λ is large', () => {
    const kernel: KernelSpec = { kind: 'gaussian', bandwidth: 1 };
    const x = uniformPoints(1000, 1, 100, 4);
    const small = createLeverageRff(kernel, x, 1000, 1, 4000, { lambda: 1e-4 }, 1);
    const large = createLeverageRff(kernel, x, 1000, 1, 4000, { lambda: 1e12 }, 1);
    const rms = (m: { omega: Float64Array }) =>
      Math.sqrt(m.omega.reduce((a, b) => a + b * b, 0) / m.omega.length);
    // p = N(0, 1): rms ≈ 1 (SE ≈ 1/√(2·4000)). With λ → ∞, τ̄ = p·n/λ everywhere, so q = p and all weights equal.
    expect(Math.abs(rms(large) - 1)).toBeLessThan(0.05);
    const w0 = large.weight[0]!;
    for (const w of large.weight) expect(Math.abs(w / w0 - 1)).toBeLessThan(1e-9);
    // With λ = 1e-4 the flat part reaches radius ρ with e^{−ρ²/2}·(n/λ)/√(2π) = 100/2π, ρ ≈ 4.99: about 96.5% of
    // the mass is uniform on [−ρ, ρ] (E ω² = ρ²/3 ≈ 8.3) and 3.5% is the Gaussian tail beyond ρ (E ω² ≈ 27), so
    // rms ≈ √8.96 ≈ 2.99 instead of 1; the standard error of the rms over 4000 draws is ≈ 0.02.
    expect(Math.abs(rms(small) - 2.99)).toBeLessThan(0.1);
  });

  it('rejects the non-isotropic Laplacian and bad parameters', () => {
    const x = uniformPoints(10, 1, 1, 1);
    expect(() =>
      createLeverageRff({ kind: 'laplacian', bandwidth: 1 }, x, 10, 1, 8, { lambda: 1 }, 1),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() =>
      createLeverageRff({ kind: 'gaussian', bandwidth: 1 }, x, 10, 1, 8, { lambda: 0 }, 1),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
