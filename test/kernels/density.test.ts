import { describe, expect, it } from 'vitest';
import { BalanceKVCoreset, type KernelSpec, kernelDensity } from '../../src/kernels/index.js';
import { Rng } from '../../src/rng.js';
import { bruteNearest, clustered, meanSd, naiveKernel, queriesNear, row } from './helpers.js';

const { points } = clustered(1500, 8, 12, 1, 1, 0.15);
const queries = queriesNear(points, 3, 0.05, 2);
const weights = new Float64Array(points.count);
{
  const rng = new Rng(3);
  for (let j = 0; j < points.count; j++) weights[j] = 0.5 + rng.next();
}
const gaussian: KernelSpec = { type: 'gaussian', bandwidth: 0.2 };
const exact = kernelDensity(points, queries, { kernel: gaussian, method: 'exact', weights }).densities;

/**
 * Unbiasedness over R independent seeds: the mean of R estimates has standard error sd/√R, so it must sit
 * within 4 of those of the exact value (a false alarm has probability ~6e-5 per check). The reported
 * per-run errors must match the spread they claim to describe (mean reported SE within [0.75, 1.33]·sd).
 */
function checkUnbiased(
  estimates: number[],
  reported: number[],
  truth: number,
  errorIsUpperBound = false,
): void {
  const { mean, sd } = meanSd(estimates);
  expect(sd).toBeGreaterThan(0);
  expect(Math.abs(mean - truth)).toBeLessThan((4 * sd) / Math.sqrt(estimates.length));
  const rep = reported.reduce((a, b) => a + b, 0) / reported.length;
  if (errorIsUpperBound) expect(rep).toBeGreaterThan(0.75 * sd);
  else {
    expect(rep / sd).toBeGreaterThan(0.75);
    expect(rep / sd).toBeLessThan(1.33);
  }
}

describe('kernelDensity', () => {
  it('exact equals the definition (1/n) Σ w_j k(q, x_j) for every kernel', () => {
    const kernels: KernelSpec[] = [
      gaussian,
      { type: 'laplacian', bandwidth: 0.7 },
      { type: 'exponential', bandwidth: 3 },
    ];
    for (const kernel of kernels) {
      const got = kernelDensity(points, queries, { kernel, method: 'exact', weights });
      for (let i = 0; i < queries.length; i++) {
        let s = 0;
        for (let j = 0; j < points.count; j++)
          s += weights[j]! * naiveKernel(kernel.type, kernel.bandwidth, queries[i]!, row(points, j));
        expect(got.densities[i]).toBeCloseTo(s / points.count, 12);
        expect(got.errors[i]).toBe(0);
        expect(got.touched[i]).toBe(points.count);
      }
    }
  });

  it('sampling is unbiased and its reported error is the standard error', () => {
    for (let i = 0; i < queries.length; i++) {
      const est: number[] = [];
      const rep: number[] = [];
      for (let seed = 0; seed < 300; seed++) {
        const r = kernelDensity(points, [queries[i]!], {
          kernel: gaussian,
          method: 'sampling',
          weights,
          samples: 200,
          seed,
        });
        est.push(r.densities[0]!);
        rep.push(r.errors[0]!);
        expect(r.touched[0]).toBe(200);
      }
      checkUnbiased(est, rep, exact[i]!);
    }
  });

  it('ann (DEANN) is unbiased, beats sampling at equal cost, and an ε budget reaches relative error ε', () => {
    const nearest = bruteNearest(points);
    for (let i = 0; i < queries.length; i++) {
      const est: number[] = [];
      const rep: number[] = [];
      const plain: number[] = [];
      for (let seed = 0; seed < 200; seed++) {
        const r = kernelDensity(points, [queries[i]!], {
          kernel: gaussian,
          method: 'ann',
          weights,
          nearest,
          neighbours: 20,
          samples: 100,
          seed,
        });
        est.push(r.densities[0]!);
        rep.push(r.errors[0]!);
        expect(r.touched[0]).toBe(120);
        plain.push(
          kernelDensity(points, [queries[i]!], {
            kernel: gaussian,
            method: 'sampling',
            weights,
            samples: 120,
            seed,
          }).densities[0]!,
        );
      }
      checkUnbiased(est, rep, exact[i]!);
      // The 20 nearest points hold most of a narrow Gaussian's mass, so removing them from the sample
      // must cut the spread well below plain sampling's.
      expect(meanSd(est).sd).toBeLessThan(0.5 * meanSd(plain).sd);
    }
    // Two-stage ε budget: the relative errors over seeds have RMS about ε (0.05): allow 0.08.
    let sq = 0;
    for (let seed = 0; seed < 60; seed++) {
      const r = kernelDensity(points, [queries[0]!], {
        kernel: gaussian,
        method: 'ann',
        nearest,
        neighbours: 10,
        epsilon: 0.05,
        weights,
        seed,
      });
      sq += ((r.densities[0]! - exact[0]!) / exact[0]!) ** 2;
    }
    expect(Math.sqrt(sq / 60)).toBeLessThan(0.08);
  });

  it('coreset answers are unbiased over the colour coins and the error is an upper estimate', () => {
    const q = queries[0]!;
    const kernel: KernelSpec = { type: 'gaussian', bandwidth: 0.5 };
    const truth = kernelDensity(points, [q], { kernel, method: 'exact', weights }).densities[0]!;
    const est: number[] = [];
    const rep: number[] = [];
    for (let seed = 0; seed < 80; seed++) {
      const c = new BalanceKVCoreset({
        dimension: 8,
        valueDimension: 1,
        temperature: 0.25,
        compression: 4,
        bucketSize: 32,
        seed,
      });
      for (let j = 0; j < points.count; j++) c.insert(j, row(points, j), 0, weights[j]!);
      const r = kernelDensity(points, [q], { kernel, method: 'coreset', coreset: c });
      est.push(r.densities[0]!);
      rep.push(r.errors[0]!);
      expect(r.touched[0]).toBe(c.size);
    }
    checkUnbiased(est, rep, truth, true);
  });

  it('a coreset balanced under the Gaussian kernel has a smaller spread than uniform sampling of its size', () => {
    const kernel: KernelSpec = { type: 'gaussian', bandwidth: 0.5 };
    const qs = queries;
    const truth = kernelDensity(points, qs, { kernel, method: 'exact', weights }).densities;
    let coresetSq = 0;
    let uniformSq = 0;
    for (let seed = 0; seed < 30; seed++) {
      const c = new BalanceKVCoreset({
        dimension: 8,
        valueDimension: 1,
        kernel,
        compression: 4,
        bucketSize: 32,
        seed,
      });
      for (let j = 0; j < points.count; j++) c.insert(j, row(points, j), 0, weights[j]!);
      const co = kernelDensity(points, qs, { kernel, method: 'coreset', coreset: c }).densities;
      const un = kernelDensity(points, qs, {
        kernel,
        method: 'sampling',
        weights,
        samples: c.size,
        seed,
      }).densities;
      for (let i = 0; i < qs.length; i++) {
        coresetSq += ((co[i]! - truth[i]!) / truth[i]!) ** 2;
        uniformSq += ((un[i]! - truth[i]!) / truth[i]!) ** 2;
      }
    }
    // Measured 0.35; random halvings (no walk) behave like uniform sampling, ratio ≈ 1.
    expect(Math.sqrt(coresetSq / uniformSq)).toBeLessThan(0.6);
  });
});
