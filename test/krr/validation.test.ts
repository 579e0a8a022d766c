import { describe, expect, it } from 'vitest';
import { predict, trainModel } from '../../src/krr/model.js';
import { validateModelSpec } from '../../src/krr/spec.js';

const good = {
  name: 'price',
  target_key: 'price',
  task: 'regression',
  features: { type: 'rff', count: 16, kernel: 'gaussian', bandwidth: 1 },
  lambda: 0.1,
} as const;

const code = (code: string) => expect.objectContaining({ code });

describe('spec and input validation', () => {
  it('accepts a good spec and returns a clean copy', () => {
    expect(validateModelSpec(good)).toEqual(good);
    expect(
      validateModelSpec({
        ...good,
        lambda: 'auto',
        features: { ...good.features, kernel: 'matern', nu: 1.5 },
      }).lambda,
    ).toBe('auto');
  });

  it.each([
    ['not an object', 42],
    ['unknown key', { ...good, extra: 1 }],
    ['empty name', { ...good, name: '' }],
    ['missing target_key', { ...good, target_key: undefined }],
    ['bad task', { ...good, task: 'ranking' }],
    ['zero lambda', { ...good, lambda: 0 }],
    ['NaN lambda', { ...good, lambda: Number.NaN }],
    ['string lambda', { ...good, lambda: 'big' }],
    ['bad type', { ...good, features: { ...good.features, type: 'nystrom' } }],
    ['missing count', { ...good, features: { type: 'rff', kernel: 'gaussian', bandwidth: 1 } }],
    ['fractional count', { ...good, features: { ...good.features, count: 1.5 } }],
    ['huge count', { ...good, features: { ...good.features, count: 1e9 } }],
    ['bad kernel', { ...good, features: { ...good.features, kernel: 'cosine' } }],
    ['negative bandwidth', { ...good, features: { ...good.features, bandwidth: -1 } }],
    ['infinite bandwidth', { ...good, features: { ...good.features, bandwidth: Number.POSITIVE_INFINITY } }],
    ['matern without nu', { ...good, features: { ...good.features, kernel: 'matern' } }],
    ['matern nu 2', { ...good, features: { ...good.features, kernel: 'matern', nu: 2 } }],
    ['nu on gaussian', { ...good, features: { ...good.features, nu: 1.5 } }],
    [
      'leverage laplacian',
      { ...good, features: { ...good.features, type: 'leverage_rff', kernel: 'laplacian' } },
    ],
    ['unknown feature key', { ...good, features: { ...good.features, gamma: 2 } }],
  ])('rejects %s with INVALID_ARGUMENT', (_, spec) => {
    expect(() => validateModelSpec(spec)).toThrow(code('INVALID_ARGUMENT'));
  });

  it('rejects bad vectors and targets with their codes', async () => {
    const x = [
      [0, 1],
      [1, 0],
      [1, 1],
    ];
    await expect(
      trainModel(
        [
          [0, 1],
          [1, Number.NaN],
          [1, 1],
        ],
        [1, 2, 3],
        good,
      ),
    ).rejects.toThrow(code('NON_FINITE_VALUE'));
    await expect(trainModel([[0, 1], [1], [1, 1]], [1, 2, 3], good)).rejects.toThrow(
      code('DIMENSION_MISMATCH'),
    );
    await expect(trainModel(x, [1, 2], good)).rejects.toThrow(code('DIMENSION_MISMATCH'));
    await expect(trainModel(x, [1, Number.POSITIVE_INFINITY, 3], good)).rejects.toThrow(
      code('NON_FINITE_VALUE'),
    );
    await expect(trainModel(x, ['a', 'b', 'c'], good)).rejects.toThrow(code('NON_FINITE_VALUE'));
    await expect(trainModel(x, ['a', 'a', 'a'], { ...good, task: 'classification' })).rejects.toThrow(
      code('INVALID_ARGUMENT'),
    );
    await expect(
      trainModel({ data: new Float64Array(5), rows: 3, cols: 2 }, [1, 2, 3], good),
    ).rejects.toThrow(code('DIMENSION_MISMATCH'));
    await expect(trainModel(x, [1, 2, 3], { ...good, lambda: -1 })).rejects.toThrow(code('INVALID_ARGUMENT'));
    const model = await trainModel(x, [1, 2, 3], good);
    expect(() => predict(model, [[1, 2, 3]])).toThrow(code('DIMENSION_MISMATCH'));
    expect(() => predict(model, { data: Float64Array.of(1, Number.NaN), rows: 1, cols: 2 })).toThrow(
      code('NON_FINITE_VALUE'),
    );
  });
});
