import { describe, expect, it } from 'vitest';
import { type KernelSpec, kernelMatVec } from '../../src/kernels/index.js';
import { Rng } from '../../src/rng.js';
import { bruteNearest, clustered, meanSd, naiveKernel, queriesNear, row } from './helpers.js';

// 40 tight clusters far apart: at σ = 0.3 a query sees its own cluster (~25 points) and nothing else, so the
// entries of K sum to O(n) — the sparsity assumption of Indyk–Kapralov–Sheth–Wagner.
const { points } = clustered(1000, 10, 40, 21, 3, 0.1);
const queries = queriesNear(points, 100, 0.05, 22);
const kernel: KernelSpec = { type: 'gaussian', bandwidth: 0.3 };
const w = new Float64Array(points.count);
{
  const rng = new Rng(23);
  for (let j = 0; j < points.count; j++) w[j] = rng.gaussian();
}
const wNorm = Math.sqrt(w.reduce((a, b) => a + b * b, 0));
const K: number[][] = queries.map((q) =>
  Array.from({ length: points.count }, (_, j) => naiveKernel('gaussian', 0.3, q, row(points, j))),
);
const exact = K.map((r) => r.reduce((a, k, j) => a + k * w[j]!, 0));

describe('kernelMatVec', () => {
  it('the test data satisfies the sparsity assumption', () => {
    const total = K.reduce((a, r) => a + r.reduce((b, k) => b + k, 0), 0);
    // Sum of entries ≤ c·(rows + columns) with a small constant: linear, not quadratic.
    expect(total).toBeLessThan(20 * (queries.length + points.count));
  });

  it('meets ‖y − Kw‖ ≤ ε‖w‖ with index-found heavy entries and few samples', () => {
    const nearest = bruteNearest(points);
    const epsilon = 0.05;
    let failures = 0;
    for (let seed = 0; seed < 20; seed++) {
      const r = kernelMatVec(points, queries, { kernel, weights: w, epsilon, nearest, neighbours: 32, seed });
      expect(r.bound).toBeCloseTo(epsilon * wNorm, 12);
      let e = 0;
      for (let i = 0; i < queries.length; i++) e += (r.values[i]! - exact[i]!) ** 2;
      if (Math.sqrt(e) > r.bound) failures++;
      // Sub-quadratic: far fewer kernel evaluations than the n per row of the exact product.
      const touched = r.touched.reduce((a, b) => a + b, 0);
      expect(touched).toBeLessThan(0.25 * queries.length * points.count);
    }
    // Markov with δ = 0.1 allows 2 of 20; the variance bound is loose, so we expect none.
    expect(failures).toBeLessThanOrEqual(2);
  });

  it('is unbiased when heavy entries are missed, and its reported errors match the spread', () => {
    // Only 4 neighbours of ~25 heavy ones: the light part carries real mass and sampling must estimate it
    // (a loose ε keeps the sample well below n so the light part is not summed exactly).
    const nearest = bruteNearest(points);
    const qs = queries.slice(0, 3);
    const runs: number[][] = [[], [], []];
    const reported: number[][] = [[], [], []];
    for (let seed = 0; seed < 200; seed++) {
      const r = kernelMatVec(points, qs, {
        kernel,
        weights: w,
        epsilon: 4,
        nearest,
        neighbours: 4,
        failureProbability: 1,
        seed,
      });
      for (let i = 0; i < 3; i++) {
        runs[i]!.push(r.values[i]!);
        reported[i]!.push(r.errors[i]!);
      }
    }
    for (let i = 0; i < 3; i++) {
      const { mean, sd } = meanSd(runs[i]!);
      expect(sd).toBeGreaterThan(0);
      expect(Math.abs(mean - exact[i]!)).toBeLessThan((4 * sd) / Math.sqrt(200));
      const rep = meanSd(reported[i]!).mean;
      expect(rep / sd).toBeGreaterThan(0.6);
      expect(rep / sd).toBeLessThan(1.5);
    }
  });

  it('without an index the Gaussian bound t = 1 makes small ε exact, and bad input is rejected', () => {
    const r = kernelMatVec(points, queries.slice(0, 2), { kernel, weights: w, epsilon: 0.01 });
    expect(r.values[0]).toBeCloseTo(exact[0]!, 10);
    expect(r.samples[0]).toBe(-1);
    const call = (o: object) => () =>
      kernelMatVec(points, queries.slice(0, 1), { kernel, weights: w, epsilon: 0.1, ...o });
    expect(call({ epsilon: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(call({ kernel: { type: 'gaussian', bandwidth: -1 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(call({ kernel: { type: 'cosine', bandwidth: 1 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(call({ weights: w.subarray(1) })).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH' }));
    const nan = w.slice();
    nan[3] = Number.POSITIVE_INFINITY;
    expect(call({ weights: nan })).toThrow(expect.objectContaining({ code: 'NON_FINITE_VALUE' }));
    expect(call({ nearest: () => ({ indices: [0, 0] }) })).toThrow(
      expect.objectContaining({ code: 'INTERNAL' }),
    );
  });
});
