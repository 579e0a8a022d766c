import { describe, expect, it } from 'vitest';
import {
  annBenchmarksRecall,
  recallAtK,
  recallPerQuery,
  trueDistances,
} from '../../bench/datasets/recall.js';

// Two queries, ground truth 3 deep: q0 → 5, 2, 9; q1 → 1, 3, 4.
const truth = new Int32Array([5, 2, 9, 1, 3, 4]);

describe('recallAtK (by id)', () => {
  it('matches hand counts at k = 1, 2, 3', () => {
    const found = [
      [2, 7, 5],
      [4, 4, 1],
    ];
    // k = 3: q0 finds {2, 5} of {5, 2, 9}; q1 finds {4, 1} (the repeated 4 counts once) → 2/3 each.
    expect(recallAtK(found, truth, 3, 3)).toBeCloseTo(2 / 3, 12);
    expect(Array.from(recallPerQuery(found, truth, 3, 3))).toEqual([2 / 3, 2 / 3]);
    // k = 2: q0 [2, 7] vs {5, 2} → 1/2; q1 [4, 4] vs {1, 3} → 0.
    expect(recallAtK(found, truth, 3, 2)).toBeCloseTo(1 / 4, 12);
    // k = 1: q0 2 ≠ 5, q1 4 ≠ 1.
    expect(recallAtK(found, truth, 3, 1)).toBe(0);
    expect(
      recallAtK(
        [
          [5, 2, 9],
          [3, 4, 1],
        ],
        truth,
        3,
        3,
      ),
    ).toBe(1);
  });

  it('charges short result lists for what they miss and ignores results past k', () => {
    expect(recallAtK([[5], [1, 3, 4, 8]], truth, 3, 3)).toBeCloseTo((1 / 3 + 1) / 2, 12);
    expect(
      recallAtK(
        [
          [9, 9, 9, 5],
          [8, 8, 8, 1],
        ],
        truth,
        3,
        3,
      ),
    ).toBeCloseTo((1 / 3 + 0) / 2, 12);
    expect(recallAtK([Int32Array.of(5, 2), Float64Array.of(1)], truth, 3, 2)).toBeCloseTo(3 / 4, 12);
  });

  it('validates shapes', () => {
    const code = (c: string) => expect.objectContaining({ code: c });
    expect(() => recallAtK([[1]], truth, 3, 1)).toThrow(code('DIMENSION_MISMATCH'));
    expect(() => recallAtK([[1], [2]], truth, 3, 4)).toThrow(code('INVALID_ARGUMENT'));
    expect(() => recallAtK([[1], [2]], truth, 3, 0)).toThrow(code('INVALID_ARGUMENT'));
    expect(() => recallAtK([], new Int32Array(0), 3, 1)).toThrow(code('INVALID_ARGUMENT'));
  });
});

describe('annBenchmarksRecall (by distance, ε rule)', () => {
  it('counts returned points within d_k + ε', () => {
    const truthD = new Float32Array([1, 2, 3]);
    // k = 3: threshold 3 + 1e-3; 2 and 3.0005 count, 3.1 does not.
    expect(annBenchmarksRecall([[2, 3.0005, 3.1]], truthD, 3, 3)).toBeCloseTo(2 / 3, 12);
    expect(annBenchmarksRecall([[2, 3.0005, 3.1]], truthD, 3, 3, 0)).toBeCloseTo(1 / 3, 12);
    // k = 1: threshold 1.001.
    expect(annBenchmarksRecall([[1.0005, 0.5]], truthD, 3, 1)).toBe(1);
    expect(() => annBenchmarksRecall([[1]], truthD, 3, 1, -1)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('forgives a tie with the k-th neighbour that id recall charges', () => {
    // Train on a line: x0 = 0, x1 = 1, x2 = −1, x3 = 2. Query 0. Exact 2-NN by the index rule: x0, x1
    // (x2 ties with x1 at distance 1 and loses on index). A search that returns x0, x2 is just as good.
    const train = new Float32Array([0, 1, -1, 2]);
    const test = new Float32Array([0]);
    const found = [[0, 2]];
    const truthIds = new Int32Array([0, 1]);
    const truthD = new Float32Array([0, 1]);
    expect(recallAtK(found, truthIds, 2, 2)).toBe(0.5);
    const dists = trueDistances(found, train, test, 1, 'l2');
    expect(Array.from(dists[0]!)).toEqual([0, 1]);
    expect(annBenchmarksRecall(dists, truthD, 2, 2)).toBe(1);
  });

  it('trueDistances scores ids by the metric and maps −1 to +Infinity', () => {
    const train = new Float32Array([3, 4, 1, 0]);
    const test = new Float32Array([0, 0, 1, 1]);
    const l2 = trueDistances([[0, -1], [1]], train, test, 2, 'l2');
    expect(Array.from(l2[0]!)).toEqual([5, Number.POSITIVE_INFINITY]);
    expect(l2[1]![0]).toBeCloseTo(1, 12);
    expect(trueDistances([[0], [0]], train, test, 2, 'dot')[1]![0]).toBe(-7);
    expect(trueDistances([[0], [1]], train, test, 2, 'cosine')[1]![0]).toBeCloseTo(1 - Math.SQRT1_2, 12);
    expect(() => trueDistances([[4], [0]], train, test, 2, 'l2')).toThrow(
      expect.objectContaining({ code: 'INVALID_ID' }),
    );
  });
});
