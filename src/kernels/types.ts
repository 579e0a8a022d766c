import type { Rng } from '../rng.js';

/**
 * The collection as the kernel module sees it: `count` rows of `dimension` float32 coordinates, row-major.
 * The storage layer hands its in-memory originals over as is; nothing here copies them.
 */
export interface PointSet {
  readonly data: Float32Array;
  readonly count: number;
  readonly dimension: number;
}

/** A query vector: plain numbers (from JSON) or a typed array. */
export type Vector = ArrayLike<number>;

/**
 * Nearest-neighbour oracle supplied by the index layer: the (approximately) `m` rows of the point set with the
 * largest kernel value at `query` — smallest Euclidean distance for the Gaussian and Laplacian kernels, largest
 * inner product for the exponential kernel. Rows may come in any order; duplicates and out-of-range rows are
 * rejected. `distances` is optional and unused here (kernel values are recomputed from the originals, so an
 * index that scores quantized codes cannot bias the answer).
 */
export type NearestFn = (
  query: Float64Array,
  m: number,
) => { indices: ArrayLike<number>; distances?: ArrayLike<number> };

/** One estimate with its standard error and the number of kernel evaluations it cost. */
export interface Estimate {
  value: number;
  /** Standard error of `value` (0 for exact answers); see each estimator for how it is derived. */
  error: number;
  /** Kernel evaluations (points read) spent on this answer. */
  touched: number;
}

/** Randomness for an estimator: a seed (stream 0) or a caller-owned generator. */
export interface RandomSource {
  seed?: number;
  rng?: Rng;
}
