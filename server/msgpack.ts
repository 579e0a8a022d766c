/**
 * `application/msgpack` bodies for bulk ingest. msgpackr decodes its typed-array extension straight into a
 * Float32Array over the received bytes, which skips JSON's number parsing — the point of this path. msgpack
 * can carry more than JSON can (maps with non-string keys, binary, timestamps, typed arrays, undefined), so
 * the decoded value is checked: only JSON values, plus Float32Array/Float64Array in vector positions
 * (`points[i].vector`, `batch.vectors[i]`), pass; anything else is a 400 rather than a surprise downstream.
 */
import { Unpackr } from 'msgpackr';
import { DitherError } from '../src/errors.js';

export const MSGPACK_TYPES = ['application/msgpack', 'application/x-msgpack'] as const;

// mapsAsObjects: msgpack maps arrive as plain objects; int64AsType 'number' makes ids ≥ 2^53 arrive as
// unsafe numbers, which the library's id check rejects (rather than BigInts that would fail obscurely).
const unpackr = new Unpackr({ mapsAsObjects: true, int64AsType: 'number' });

export function decodeMsgpack(body: Buffer): unknown {
  let value: unknown;
  try {
    value = unpackr.unpack(body);
  } catch (err) {
    throw new DitherError('INVALID_ARGUMENT', `Format error in msgpack body: ${(err as Error).message}`);
  }
  checkValue(value, '');
  return value;
}

function isFloatArray(v: unknown): boolean {
  return v instanceof Float32Array || v instanceof Float64Array;
}

function fail(path: string, what: string): never {
  throw new DitherError('INVALID_ARGUMENT', `msgpack body${path}: ${what} is not allowed here`);
}

/** Paths where a vector sits in the two upsert forms: `points[i].vector` and `batch.vectors[i]`. */
const VECTOR_PATH = /^(\.points\[\d+\]\.vector|\.batch\.vectors\[\d+\])$/;

function checkValue(v: unknown, path: string): void {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return;
  if (isFloatArray(v)) {
    if (!VECTOR_PATH.test(path)) fail(path, 'a typed array');
    return;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) checkValue(v[i], `${path}[${i}]`);
    return;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) checkValue(child, `${path}.${k}`);
    return;
  }
  fail(
    path,
    v instanceof Uint8Array ? 'binary data' : `a value of type ${Object.prototype.toString.call(v)}`,
  );
}
