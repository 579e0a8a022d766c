import { describe, expect, it } from 'vitest';
import { kernelDensity, kernelEvaluator } from '../../src/kernels/index.js';

const points = { data: new Float32Array([0, 0, 1, 0, 0, 1]), count: 3, dimension: 2 };
const code = (c: string) => expect.objectContaining({ code: c });

describe('kernel module validation', () => {
  it('rejects non-positive or non-finite bandwidths and unknown kernels', () => {
    for (const bandwidth of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => kernelEvaluator({ type: 'laplacian', bandwidth })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => kernelEvaluator({ type: 'nope' as 'gaussian', bandwidth: 1 })).toThrow(
      code('INVALID_ARGUMENT'),
    );
  });

  it('rejects wrong dimensions, non-finite queries and weights, bad point sets and missing oracles', () => {
    const kernel = { type: 'gaussian' as const, bandwidth: 1 };
    const run =
      (o: object, qs: unknown[] = [[0, 0]], p: object = points) =>
      () =>
        kernelDensity(p as typeof points, qs as number[][], { kernel, method: 'exact', ...o });
    expect(run({}, [[0, 0, 0]])).toThrow(code('DIMENSION_MISMATCH'));
    expect(run({}, [[0, Number.NaN]])).toThrow(code('NON_FINITE_VALUE'));
    expect(run({ weights: new Float64Array([1, Number.NaN, 1]) })).toThrow(code('NON_FINITE_VALUE'));
    expect(run({ weights: new Float64Array(2) })).toThrow(code('DIMENSION_MISMATCH'));
    expect(run({}, [[0, 0]], { ...points, count: 4 })).toThrow(code('DIMENSION_MISMATCH'));
    expect(run({}, [[0, 0]], { ...points, dimension: 0 })).toThrow(code('INVALID_DIMENSION'));
    expect(run({ method: 'ann' })).toThrow(code('INVALID_ARGUMENT'));
    expect(run({ method: 'coreset' })).toThrow(code('INVALID_ARGUMENT'));
    expect(run({ method: 'sampling', samples: 0 })).toThrow(code('INVALID_ARGUMENT'));
    expect(run({ method: 'sampling', epsilon: -1 })).toThrow(code('INVALID_ARGUMENT'));
  });

  it('answers exactly on a hand-computed example', () => {
    const r = kernelDensity(points, [[0, 0]], {
      kernel: { type: 'gaussian', bandwidth: 1 },
      method: 'exact',
    });
    expect(r.densities[0]).toBeCloseTo((1 + 2 * Math.exp(-0.5)) / 3, 14);
    const lap = kernelDensity(points, [[1, 1]], {
      kernel: { type: 'laplacian', bandwidth: 2 },
      method: 'exact',
    });
    expect(lap.densities[0]).toBeCloseTo((Math.exp(-Math.SQRT2 / 2) + 2 * Math.exp(-0.5)) / 3, 14);
    const ex = kernelDensity(points, [[1, 2]], {
      kernel: { type: 'exponential', bandwidth: 0.5 },
      method: 'exact',
    });
    expect(ex.densities[0]).toBeCloseTo((1 + Math.exp(2) + Math.exp(4)) / 3, 12);
  });
});
