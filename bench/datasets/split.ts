import { assertArg } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';

/**
 * Holds out `testCount` rows of a single matrix as queries, the way ann-benchmarks builds its own sets
 * (`train_test_split`, a uniform random subset): files are often sorted by source or label, so the last rows
 * would be a biased query set. Partial Fisher–Yates with the seeded Rng picks the rows; both parts keep the
 * file's order so that ids are stable across runs with the same seed.
 */
export function holdOutSplit(
  data: Float32Array,
  dimension: number,
  testCount: number,
  seed = 0,
): { train: Float32Array; test: Float32Array; testRows: Int32Array } {
  const rows = data.length / dimension;
  assertArg(Number.isSafeInteger(rows) && rows >= 2, 'INVALID_ARGUMENT', 'need at least 2 rows to split');
  assertArg(
    Number.isSafeInteger(testCount) && testCount >= 1 && testCount < rows,
    'INVALID_ARGUMENT',
    `testCount must be an integer in [1, ${rows - 1}]`,
  );
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  const rng = new Rng(seed, 0x5eed);
  for (let i = 0; i < testCount; i++) {
    const j = i + rng.int(rows - i);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const testRows = order.slice(0, testCount).sort();
  const isTest = new Uint8Array(rows);
  for (const r of testRows) isTest[r] = 1;
  const train = new Float32Array((rows - testCount) * dimension);
  const test = new Float32Array(testCount * dimension);
  let ti = 0;
  let qi = 0;
  for (let r = 0; r < rows; r++) {
    const row = data.subarray(r * dimension, (r + 1) * dimension);
    if (isTest[r]) test.set(row, qi++ * dimension);
    else train.set(row, ti++ * dimension);
  }
  return { train, test, testRows };
}

/** ann-benchmarks holds out 10 000 queries on million-scale sets; 1 000 (or a tenth of a small file) here. */
export function defaultTestCount(rows: number): number {
  return Math.max(1, Math.min(1000, Math.floor(rows / 10)));
}
