import { assertArg, DitherError } from '../../src/errors.js';

/**
 * The shape every benchmark loader returns. Vectors are row-major float32 (`train[i * dimension + j]`), as
 * ann-benchmarks stores them; `neighbors` (test × neighborsK, row-major) holds indices into `train`, nearest
 * first, and `distances` the matching distances in the convention of `groundtruth.ts`.
 */
export type Metric = 'l2' | 'cosine' | 'dot';

export const METRICS: readonly Metric[] = ['l2', 'cosine', 'dot'];

export interface Dataset {
  name: string;
  dimension: number;
  trainCount: number;
  testCount: number;
  train: Float32Array;
  test: Float32Array;
  /** test × neighborsK indices into train, nearest first; absent when the source ships no ground truth. */
  neighbors?: Int32Array;
  /** test × neighborsK distances matching `neighbors`, when the source ships them. */
  distances?: Float32Array;
  /** Columns of `neighbors` / `distances`. */
  neighborsK?: number;
  metric?: Metric;
}

/** Options every loader understands. Row limits read only a prefix of the file (handy for smoke runs). */
export interface LoadOptions {
  /** Read at most this many train rows; shipped ground truth is dropped when the train set is cut. */
  maxTrain?: number;
  /** Read at most this many test rows (the shipped ground truth is cut to match). */
  maxTest?: number;
  /** Overrides the metric the source declares (or supplies one when it declares none). */
  metric?: Metric;
  /** For single-matrix sources (one .npy / .jsonl / .fvecs file): how many rows to hold out as queries. */
  testCount?: number;
  /** Seed of the held-out split. */
  seed?: number;
}

export interface DatasetParts {
  name: string;
  dimension: number;
  train: Float32Array;
  test: Float32Array;
  neighbors?: Int32Array | undefined;
  distances?: Float32Array | undefined;
  neighborsK?: number | undefined;
  metric?: Metric | undefined;
}

export function isMetric(value: unknown): value is Metric {
  return typeof value === 'string' && (METRICS as readonly string[]).includes(value);
}

export function checkRowLimit(value: number | undefined, name: string): void {
  assertArg(
    value === undefined || (Number.isSafeInteger(value) && value > 0),
    'INVALID_ARGUMENT',
    `${name} must be a positive integer`,
  );
}

/**
 * Validates the parts of a dataset and assembles it. Every loader ends here, so a driver can trust that
 * lengths agree, ground-truth indices point into the train set, and no vector holds NaN or ±Infinity.
 */
export function createDataset(parts: DatasetParts): Dataset {
  const { name, dimension, train, test } = parts;
  assertArg(Number.isSafeInteger(dimension) && dimension > 0, 'INVALID_DIMENSION', `${name}: bad dimension`);
  assertArg(
    train.length % dimension === 0 && test.length % dimension === 0,
    'DIMENSION_MISMATCH',
    `${name}: train/test lengths are not multiples of the dimension ${dimension}`,
  );
  const trainCount = train.length / dimension;
  const testCount = test.length / dimension;
  assertArg(trainCount > 0 && testCount > 0, 'INVALID_ARGUMENT', `${name}: train and test must be non-empty`);
  assertFinite(train, `${name} train`, dimension);
  assertFinite(test, `${name} test`, dimension);
  const dataset: Dataset = { name, dimension, trainCount, testCount, train, test };
  if (parts.metric !== undefined) dataset.metric = parts.metric;
  if (parts.neighbors !== undefined) {
    const k = parts.neighborsK ?? parts.neighbors.length / testCount;
    assertArg(
      Number.isSafeInteger(k) && k > 0 && parts.neighbors.length === k * testCount,
      'DIMENSION_MISMATCH',
      `${name}: neighbors hold ${parts.neighbors.length} ids, not a multiple of ${testCount} test rows`,
    );
    for (let i = 0; i < parts.neighbors.length; i++) {
      const id = parts.neighbors[i]!;
      // Some ground-truth files pad short lists with -1; anything else outside [0, n) is corruption.
      if (id < -1 || id >= trainCount)
        throw new DitherError('CORRUPT_DATA', `${name}: neighbor id ${id} outside [0, ${trainCount})`);
    }
    dataset.neighbors = parts.neighbors;
    dataset.neighborsK = k;
    if (parts.distances !== undefined) {
      assertArg(
        parts.distances.length === parts.neighbors.length,
        'DIMENSION_MISMATCH',
        `${name}: distances and neighbors differ in length`,
      );
      dataset.distances = parts.distances;
    }
  }
  return dataset;
}

function assertFinite(data: Float32Array, what: string, dimension: number): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!))
      throw new DitherError('NON_FINITE_VALUE', `${what}: row ${Math.floor(i / dimension)} holds ${data[i]}`);
  }
}

/** Rows [0, rows) of a row-major matrix, without a copy. */
export function headRows<T extends Float32Array | Int32Array>(data: T, width: number, rows: number): T {
  return data.subarray(0, Math.min(rows, data.length / width) * width) as T;
}
