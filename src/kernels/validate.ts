import { assertArg } from '../errors.js';
import type { PointSet, Vector } from './types.js';

/**
 * Checks at the public edge of the module. The point set's coordinates are not rescanned on every query
 * (that would cost as much as an exact answer); the storage layer rejects non-finite vectors at upsert.
 */
export function validatePointSet(points: PointSet): void {
  assertArg(
    Number.isInteger(points.dimension) && points.dimension > 0,
    'INVALID_DIMENSION',
    'point dimension must be a positive integer',
  );
  assertArg(
    Number.isInteger(points.count) && points.count >= 0,
    'INVALID_ARGUMENT',
    'point count must be a non-negative integer',
  );
  assertArg(
    points.data instanceof Float32Array && points.data.length === points.count * points.dimension,
    'DIMENSION_MISMATCH',
    `point data must be a Float32Array of count × dimension = ${points.count * points.dimension} values`,
  );
}

/** Copies a query into float64 after checking its length and values. */
export function toQuery(query: Vector, dimension: number, into?: Float64Array): Float64Array {
  assertArg(
    query !== null && typeof query === 'object' && typeof query.length === 'number',
    'INVALID_ARGUMENT',
    'query must be an array of numbers',
  );
  assertArg(
    query.length === dimension,
    'DIMENSION_MISMATCH',
    `query has ${query.length} values, expected ${dimension}`,
  );
  const q = into ?? new Float64Array(dimension);
  for (let i = 0; i < dimension; i++) {
    const v = query[i];
    assertArg(
      typeof v === 'number' && Number.isFinite(v),
      'NON_FINITE_VALUE',
      `query value ${i} is not finite`,
    );
    q[i] = v;
  }
  return q;
}

/** A batch of queries, each validated, as one row-major float64 matrix. */
export function toQueryBatch(queries: readonly Vector[], dimension: number): Float64Array {
  assertArg(Array.isArray(queries), 'INVALID_ARGUMENT', 'queries must be an array of vectors');
  const out = new Float64Array(queries.length * dimension);
  for (let i = 0; i < queries.length; i++)
    toQuery(queries[i]!, dimension, out.subarray(i * dimension, (i + 1) * dimension));
  return out;
}

/** Weights default to 1; when given they must be finite and one per point. */
export function validateWeights(weights: Float64Array | undefined, count: number): void {
  if (weights === undefined) return;
  assertArg(
    weights instanceof Float64Array && weights.length === count,
    'DIMENSION_MISMATCH',
    `weights must be a Float64Array with one value per point (${count})`,
  );
  for (let j = 0; j < count; j++)
    assertArg(Number.isFinite(weights[j]), 'NON_FINITE_VALUE', `weight ${j} is not finite`);
}

export function validatePositiveInt(value: number, name: string): void {
  assertArg(Number.isInteger(value) && value > 0, 'INVALID_ARGUMENT', `${name} must be a positive integer`);
}

export function validatePositive(value: number, name: string): void {
  assertArg(
    typeof value === 'number' && Number.isFinite(value) && value > 0,
    'INVALID_ARGUMENT',
    `${name} must be a finite number > 0`,
  );
}
