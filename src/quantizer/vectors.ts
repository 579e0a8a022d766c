import { DitherError } from '../errors.js';

export type VectorLike = Float32Array | Float64Array | readonly number[];

/** Validates length and finiteness at the public edge; inner loops never check again. */
export function checkVector(vector: unknown, dimension: number, what: string): asserts vector is VectorLike {
  const isArray = Array.isArray(vector) || vector instanceof Float32Array || vector instanceof Float64Array;
  if (!isArray)
    throw new DitherError('INVALID_ARGUMENT', `${what} must be an array of numbers or a Float32Array`);
  const v = vector as ArrayLike<unknown>;
  if (v.length !== dimension)
    throw new DitherError('DIMENSION_MISMATCH', `${what} has ${v.length} entries, expected ${dimension}`);
  for (let i = 0; i < dimension; i++) {
    const x = v[i];
    if (typeof x !== 'number') throw new DitherError('INVALID_ARGUMENT', `${what}[${i}] is not a number`);
    if (!Number.isFinite(x)) throw new DitherError('NON_FINITE_VALUE', `${what}[${i}] is ${x}`);
  }
}
