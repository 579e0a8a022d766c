import { closeSync, fstatSync, openSync } from 'node:fs';
import { endianness } from 'node:os';
import { assertArg, DitherError } from '../../src/errors.js';
import { readFully } from './vecs.js';

/**
 * NumPy .npy files, format versions 1.0, 2.0 and 3.0 (NEP 1 / numpy.lib.format): the magic "\x93NUMPY", two
 * version bytes, a little-endian header length (uint16 in v1, uint32 in v2/v3), then a Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (n, d), }` (latin-1 in v1/v2, utf-8 in v3), then the
 * raw array. Only plain little-endian C-order numeric arrays are read: Fortran order would need a transpose
 * and big-endian data a byte swap — both are rejected with a message saying how to convert the file.
 */
export type NpyDtype = '<f4' | '<f8' | '<i4' | '<i8' | '|u1';

export interface NpyArray {
  shape: number[];
  dtype: NpyDtype;
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
}

const ITEM_BYTES: Record<NpyDtype, number> = { '<f4': 4, '<f8': 8, '<i4': 4, '<i8': 8, '|u1': 1 };
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export interface NpyHeader {
  shape: number[];
  dtype: NpyDtype;
  /** Byte offset of the first array element. */
  dataOffset: number;
}

/** Parses the header at the start of `bytes` (which must hold at least the whole header). */
export function parseNpyHeader(bytes: Uint8Array, path = 'npy'): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new DitherError('CORRUPT_DATA', `${path}: not a .npy file (bad magic)`);
  const major = bytes[6]!;
  if (major < 1 || major > 3)
    throw new DitherError('CORRUPT_DATA', `${path}: .npy format version ${major} is not supported (1–3)`);
  const lengthBytes = major === 1 ? 2 : 4;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 + lengthBytes) throw new DitherError('CORRUPT_DATA', `${path}: truncated header`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes;
  if (bytes.length < start + headerLength) throw new DitherError('CORRUPT_DATA', `${path}: truncated header`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(start, start + headerLength),
  );
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new DitherError(
      'CORRUPT_DATA',
      `${path}: header lacks descr/fortran_order/shape (structured dtypes are not supported): ${text.trim()}`,
    );
  if (fortran === 'True')
    throw new DitherError(
      'INVALID_ARGUMENT',
      `${path}: Fortran-order arrays are not supported; save with np.save(path, np.ascontiguousarray(a))`,
    );
  if (descr.startsWith('>'))
    throw new DitherError(
      'INVALID_ARGUMENT',
      `${path}: big-endian dtype ${descr} is not supported; convert with a.astype(a.dtype.newbyteorder('<'))`,
    );
  // NumPy writes one-byte types with '|'; accept '<u1' / '=' spellings of the same types too.
  const normalized = descr === '<u1' ? '|u1' : descr.replace(/^=/, '<');
  if (!(normalized in ITEM_BYTES))
    throw new DitherError(
      'INVALID_ARGUMENT',
      `${path}: dtype ${descr} is not supported (use ${Object.keys(ITEM_BYTES).join(', ')})`,
    );
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 0))
    throw new DitherError('CORRUPT_DATA', `${path}: bad shape (${shapeText})`);
  return { shape, dtype: normalized as NpyDtype, dataOffset: start + headerLength };
}

/**
 * Reads a .npy array. `maxRows` keeps only the first rows of the leading axis (the file is read no further).
 * The data goes straight from the file into the typed array, so a 4 GB file costs 4 GB, not 8.
 */
export function readNpy(path: string, maxRows?: number): NpyArray {
  assertArg(
    maxRows === undefined || (Number.isSafeInteger(maxRows) && maxRows > 0),
    'INVALID_ARGUMENT',
    'maxRows must be a positive integer',
  );
  // Typed arrays alias the file's bytes, which are little-endian by the checks above.
  if (endianness() !== 'LE')
    throw new DitherError('INVALID_ARGUMENT', 'reading .npy needs a little-endian host');
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const probe = Buffer.alloc(Math.min(size, 12));
    readFully(fd, probe, probe.length, 0, path);
    const major = probe[6];
    const headerLength = probe.length < 12 ? 0 : major === 1 ? probe.readUInt16LE(8) : probe.readUInt32LE(8);
    const headBytes = Buffer.alloc(Math.min(size, (major === 1 ? 10 : 12) + headerLength));
    readFully(fd, headBytes, headBytes.length, 0, path);
    const header = parseNpyHeader(headBytes, path);
    const item = ITEM_BYTES[header.dtype];
    const total = header.shape.reduce((a, b) => a * b, 1);
    if (size !== header.dataOffset + total * item)
      throw new DitherError(
        'CORRUPT_DATA',
        `${path}: shape (${header.shape.join(', ')}) needs ${total * item} data bytes, file holds ${size - header.dataOffset}`,
      );
    const shape = header.shape.slice();
    if (maxRows !== undefined && shape.length > 0 && shape[0]! > maxRows) shape[0] = maxRows;
    const count = shape.reduce((a, b) => a * b, 1);
    const data = allocate(header.dtype, count);
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    readFully(fd, bytes, bytes.length, header.dataOffset, path);
    return { shape, dtype: header.dtype, data };
  } finally {
    closeSync(fd);
  }
}

function allocate(dtype: NpyDtype, count: number): NpyArray['data'] {
  switch (dtype) {
    case '<f4':
      return new Float32Array(count);
    case '<f8':
      return new Float64Array(count);
    case '<i4':
      return new Int32Array(count);
    case '<i8':
      return new BigInt64Array(count);
    case '|u1':
      return new Uint8Array(count);
  }
}

/** A 2-D numeric .npy as a float32 matrix (vectors), rows × dimension. */
export function readNpyMatrix(
  path: string,
  maxRows?: number,
): { rows: number; dimension: number; data: Float32Array } {
  const a = readNpy(path, maxRows);
  if (a.shape.length !== 2)
    throw new DitherError(
      'DIMENSION_MISMATCH',
      `${path}: expected a 2-D array, got shape (${a.shape.join(', ')})`,
    );
  const [rows, dimension] = a.shape as [number, number];
  return { rows, dimension, data: toFloat32(a.data) };
}

/** A 2-D integer .npy as int32 ids (ground truth); int64 ids are narrowed with a range check. */
export function readNpyIds(
  path: string,
  maxRows?: number,
): { rows: number; dimension: number; data: Int32Array } {
  const a = readNpy(path, maxRows);
  if (a.shape.length !== 2)
    throw new DitherError(
      'DIMENSION_MISMATCH',
      `${path}: expected a 2-D array, got shape (${a.shape.join(', ')})`,
    );
  const [rows, dimension] = a.shape as [number, number];
  return { rows, dimension, data: toInt32(a.data, path) };
}

export function toFloat32(data: ArrayLike<number> | ArrayLike<bigint> | Float32Array): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array) return Float32Array.from(data, (v) => Number(v));
  return Float32Array.from(data as ArrayLike<number>);
}

export function toInt32(data: ArrayLike<number> | ArrayLike<bigint>, what: string): Int32Array {
  if (data instanceof Int32Array) return data;
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]!);
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647)
      throw new DitherError('CORRUPT_DATA', `${what}: id ${v} does not fit in int32`);
    out[i] = v;
  }
  return out;
}
