import { describe, expect, it } from 'vitest';
import { binningTransform, createBinning } from '../../src/features/binning.js';
import { type KernelSpec, kernelProfile1d, kernelValue } from '../../src/features/kernel.js';
import { featureGram } from '../../src/features/map.js';
import { expectedProfile, pitchLaw } from '../../src/features/pitch.js';
import { Rng } from '../../src/rng.js';

function points(n: number, d: number, seed: number): Float64Array {
  const rng = new Rng(seed, 5);
  return Float64Array.from({ length: n * d }, () => rng.gaussian());
}

/** Mean and standard error of ZZᵀ over independent feature maps. */
function averageGram(
  kernel: KernelSpec,
  x: Float64Array,
  n: number,
  d: number,
  trials: number,
  grids: number,
) {
  const sum = new Float64Array(n * n);
  const sum2 = new Float64Array(n * n);
  for (let t = 0; t < trials; t++) {
    const g = featureGram(createBinning(kernel, x, n, d, 1 << 20, 1000 + t, grids), x, n);
    for (let i = 0; i < n * n; i++) {
      sum[i] = sum[i]! + g[i]!;
      sum2[i] = sum2[i]! + g[i]! * g[i]!;
    }
  }
  const mean = sum.map((s) => s / trials);
  // Entries of far-apart pairs are decided by a handful of rare collisions, where the sample standard error is
  // itself unreliable: add the weight of one more collision (a grid contributes at most 2^d / grids).
  const oneHit = 2 ** d / (grids * trials);
  const se = mean.map((m, i) => Math.sqrt(Math.max(sum2[i]! / trials - m * m, 0) / trials) + oneHit / 5);
  return { mean, se };
}

describe('weighted random binning (Kapralov et al. 2020)', () => {
  it('box bins with Gamma(2, σ) pitch give the ℓ1 Laplacian kernel in expectation', () => {
    const kernel: KernelSpec = { kind: 'laplacian', bandwidth: 1.5 };
    const n = 12;
    const d = 2;
    const x = points(n, d, 1);
    const { mean, se } = averageGram(kernel, x, n, d, 400, 8);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        expect(Math.abs(mean[i * n + j]! - kernelValue(kernel, x, i * d, x, j * d, d))).toBeLessThan(
          5 * se[i * n + j]! + 1e-12,
        );
  });

  it('the fitted pitch mixture of Bohman profiles stays within 1% of the Gaussian and Matérn profiles', () => {
    for (const kernel of [
      { kind: 'gaussian', bandwidth: 2 },
      { kind: 'matern', bandwidth: 2, nu: 1.5 },
      { kind: 'matern', bandwidth: 2, nu: 2.5 },
    ] as KernelSpec[]) {
      const law = pitchLaw(kernel);
      expect(law.profile).toBe('smooth');
      let worst = 0;
      for (let s = 0; s <= 20; s += 0.01)
        worst = Math.max(worst, Math.abs(expectedProfile(law, s) - kernelProfile1d(kernel, s)));
      expect(worst).toBeLessThan(0.01);
      expect(expectedProfile(law, 0)).toBeCloseTo(1, 12);
    }
  });

  it('weighted bins approximate the Gaussian kernel in expectation', () => {
    const kernel: KernelSpec = { kind: 'gaussian', bandwidth: 1 };
    const law = pitchLaw(kernel);
    if (law.profile !== 'smooth') throw new Error('expected weighted bins');
    const n = 12;
    const d = 2;
    const x = points(n, d, 2);
    const { mean, se } = averageGram(kernel, x, n, d, 400, 8);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        // Expected kernel ∏_k κ(|δ_k|) exactly; it differs from the Gaussian by at most d·maxError.
        let expected = 1;
        for (let k = 0; k < d; k++) expected *= expectedProfile(law, x[i * d + k]! - x[j * d + k]!);
        const q = i * n + j;
        expect(Math.abs(mean[q]! - expected)).toBeLessThan(5 * se[q]! + 1e-12);
        expect(Math.abs(mean[q]! - kernelValue(kernel, x, i * d, x, j * d, d))).toBeLessThan(
          d * law.maxError + 5 * se[q]! + 1e-12,
        );
      }
  });

  it('gives sparse rows with one slot per grid and stays within the column budget', () => {
    const x = points(500, 2, 3);
    const map = createBinning({ kind: 'gaussian', bandwidth: 1 }, x, 500, 2, 300, 1);
    expect(map.count).toBeLessThanOrEqual(300);
    expect(map.grids).toBeGreaterThan(1);
    const s = binningTransform(map, x, 0, 500);
    expect(s.perRow).toBe(map.grids);
    // Every training point lies in an occupied cell of every grid.
    for (let q = 0; q < s.cols.length; q++) expect(s.cols[q]).toBeGreaterThanOrEqual(0);
    // A far-away point lies in no occupied cell: no features, hence zero kernel with the training set.
    const far = binningTransform(map, Float64Array.of(1e6, 1e6), 0, 1);
    expect(Array.from(far.cols).every((c) => c === -1)).toBe(true);
    expect(() => createBinning({ kind: 'gaussian', bandwidth: 0.001 }, x, 500, 2, 100, 1)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
