/**
 * Numbers read from payloads for the kernel module: density/matvec weights (one number per point) and
 * attention values (a number or a fixed-length numeric array per point). A key names a payload field, with
 * dots for nested objects (`a.b`). Every point must hold a usable value: a missing key or a non-numeric value
 * is PAYLOAD_KEY_INVALID rather than a silent default, because a weight of 1 or 0 for a forgotten field would
 * change the answer without any sign of it.
 */
import { assertArg, DitherError } from '../../src/errors.js';
import type { Payload } from '../types.js';
import type { KernelPointView } from './point-view.js';

export function checkPayloadKey(key: string, name: string): void {
  assertArg(
    typeof key === 'string' && key.length > 0 && !key.split('.').includes(''),
    'PAYLOAD_KEY_INVALID',
    `${name} must be a non-empty payload key (dots separate nested keys)`,
  );
}

/** The raw field at a dotted key, or undefined. */
export function payloadField(payload: Payload | undefined, key: string): unknown {
  let node: unknown = payload;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A finite number at `key`, or undefined when the field is missing or not a finite number. */
export function numericField(payload: Payload | undefined, key: string): number | undefined {
  const v = payloadField(payload, key);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * The value at `key` as `dv` numbers into `out` (dv = 1 for a number), or false when it is missing, of another
 * shape, or not finite.
 */
export function valueField(
  payload: Payload | undefined,
  key: string,
  dv: number,
  out: Float64Array,
): boolean {
  const v = payloadField(payload, key);
  if (typeof v === 'number') {
    if (dv !== 1 || !Number.isFinite(v)) return false;
    out[0] = v;
    return true;
  }
  if (!Array.isArray(v) || v.length !== dv) return false;
  for (let t = 0; t < dv; t++) {
    const x = v[t];
    if (typeof x !== 'number' || !Number.isFinite(x)) return false;
    out[t] = x;
  }
  return true;
}

/** Numbers per value: 1 for a number, the length of a non-empty array; undefined for anything else. */
export function valueDimensionOf(payload: Payload | undefined, key: string): number | undefined {
  const v = payloadField(payload, key);
  if (typeof v === 'number') return 1;
  if (Array.isArray(v) && v.length > 0) return v.length;
  return undefined;
}

/** One weight per row of the view (all 1 when `key` is undefined). */
export function weightsOf(view: KernelPointView, key: string | undefined): Float64Array {
  const n = view.count;
  const w = new Float64Array(n);
  if (key === undefined) return w.fill(1);
  for (let row = 0; row < n; row++) {
    const x = numericField(view.payload(row), key);
    if (x === undefined)
      throw new DitherError(
        'PAYLOAD_KEY_INVALID',
        `point ${String(view.id(row))} has no finite number at payload key "${key}"`,
      );
    w[row] = x;
  }
  return w;
}

/** Values per row of the view: `dv` numbers each, dv taken from the first point (every point must agree). */
export function valuesOf(view: KernelPointView, key: string): { values: Float64Array; dv: number } {
  const n = view.count;
  if (n === 0) return { values: new Float64Array(0), dv: 1 };
  const dv = valueDimensionOf(view.payload(0), key);
  if (dv === undefined) throw missingValue(view, 0, key);
  const values = new Float64Array(n * dv);
  for (let row = 0; row < n; row++)
    if (!valueField(view.payload(row), key, dv, values.subarray(row * dv, (row + 1) * dv)))
      throw missingValue(view, row, key, dv);
  return { values, dv };
}

function missingValue(view: KernelPointView, row: number, key: string, dv?: number): DitherError {
  const shape =
    dv === undefined
      ? 'a finite number or numeric array'
      : dv === 1
        ? 'a finite number'
        : `${dv} finite numbers`;
  return new DitherError(
    'PAYLOAD_KEY_INVALID',
    `point ${String(view.id(row))} has no ${shape} at payload key "${key}"`,
  );
}
