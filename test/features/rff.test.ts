import { describe, expect, it } from 'vitest';
import { type KernelSpec, kernelValue } from '../../src/features/kernel.js';
import { featureGram } from '../../src/features/map.js';
import { createRff } from '../../src/features/rff.js';
import { Rng } from '../../src/rng.js';

function points(n: number, d: number, seed: number, spread = 1): Float64Array {
  const rng = new Rng(seed, 9);
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = spread * rng.gaussian();
  return x;
}

function exactGram(kernel: KernelSpec, x: Float64Array, n: number, d: number, scale = 1): Float64Array {
  const xs = x.map((v) => v * scale);
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) k[i * n + j] = kernelValue(kernel, xs, i * d, xs, j * d, d);
  return k;
}

function frob2(a: Float64Array, b?: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - (b?.[i] ?? 0)) ** 2;
  return s;
}

const KERNELS: KernelSpec[] = [
  { kind: 'gaussian', bandwidth: 1.2 },
  { kind: 'laplacian', bandwidth: 2 },
  { kind: 'matern', bandwidth: 1.5, nu: 0.5 },
  { kind: 'matern', bandwidth: 1.5, nu: 1.5 },
  { kind: 'matern', bandwidth: 1.5, nu: 2.5 },
];

describe('random Fourier features (Rahimi & Recht 2007)', () => {
  // One feature estimates k(δ) by s = 2cos(ωᵀx + b)cos(ωᵀy + b) = cos(ωᵀδ) + cos(ωᵀ(x + y) + 2b), whose variance
  // is 1 + k(2δ)/2 − k(δ)². So E‖ZZᵀ − K‖²_F = Σ_ij (1 + k(2δ_ij)/2 − k_ij²)/D exactly: a check of the frequency
  // law of each kernel (through k and k(2·)) and of unbiasedness at once.
  for (const kernel of KERNELS) {
    it(`matches the predicted mean squared error for ${kernel.kind}${kernel.nu ?? ''}`, () => {
      const n = 24;
      const d = 3;
      const D = 64;
      const x = points(n, d, 1);
      const k = exactGram(kernel, x, n, d);
      const k2 = exactGram(kernel, x, n, d, 2);
      let predicted = 0;
      for (let i = 0; i < n * n; i++) predicted += (1 + k2[i]! / 2 - k[i]! ** 2) / D;
      const trials = 200;
      const errs: number[] = [];
      const mean = new Float64Array(n * n);
      for (let t = 0; t < trials; t++) {
        const g = featureGram(createRff(kernel, d, D, 100 + t), x, n);
        errs.push(frob2(g, k));
        for (let i = 0; i < n * n; i++) mean[i] = mean[i]! + g[i]! / trials;
      }
      const m = errs.reduce((a, b) => a + b, 0) / trials;
      const sd = Math.sqrt(errs.reduce((a, b) => a + (b - m) ** 2, 0) / (trials - 1));
      expect(Math.abs(m - predicted)).toBeLessThan(4 * (sd / Math.sqrt(trials)));
      // Unbiased: the average of 200 estimates is within 4 standard errors of K, entry by entry (SE ≤ √(1.5/(D·200))).
      const se = Math.sqrt(1.5 / (D * trials));
      for (let i = 0; i < n * n; i++) expect(Math.abs(mean[i]! - k[i]!)).toBeLessThan(4.5 * se);
    });
  }

  it('relative error ‖ZZᵀ − K‖/‖K‖ falls like 1/√D', () => {
    const kernel: KernelSpec = { kind: 'gaussian', bandwidth: 1 };
    const n = 60;
    const d = 4;
    const x = points(n, d, 2);
    const k = exactGram(kernel, x, n, d);
    const kn = Math.sqrt(frob2(k));
    const Ds = [32, 128, 512, 2048];
    const rel = Ds.map((D) => {
      let s = 0;
      for (let t = 0; t < 6; t++)
        s += Math.sqrt(frob2(featureGram(createRff(kernel, d, D, 7 * t + D), x, n), k)) / kn;
      return s / 6;
    });
    // Least-squares slope of log error against log D: −1/2 for a Monte Carlo average.
    const lx = Ds.map(Math.log);
    const ly = rel.map(Math.log);
    const mx = lx.reduce((a, b) => a + b) / lx.length;
    const my = ly.reduce((a, b) => a + b) / ly.length;
    let num = 0;
    let den = 0;
    for (let i = 0; i < lx.length; i++) {
      num += (lx[i]! - mx) * (ly[i]! - my);
      den += (lx[i]! - mx) ** 2;
    }
    expect(num / den).toBeGreaterThan(-0.6);
    expect(num / den).toBeLessThan(-0.4);
    for (let i = 1; i < rel.length; i++) expect(rel[i]!).toBeLessThan(rel[i - 1]!);
  });

  it('is reproducible from its seed', () => {
    const a = createRff({ kind: 'gaussian', bandwidth: 1 }, 3, 16, 5);
    const b = createRff({ kind: 'gaussian', bandwidth: 1 }, 3, 16, 5);
    const c = createRff({ kind: 'gaussian', bandwidth: 1 }, 3, 16, 6);
    expect(Array.from(a.omega)).toEqual(Array.from(b.omega));
    expect(Array.from(a.omega)).not.toEqual(Array.from(c.omega));
  });
});
