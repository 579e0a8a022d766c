import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { assertArg, DitherError } from '../../src/errors.js';

/**
 * TEXMEX vector files (Jégou, Douze, Schmid, "Product quantization for nearest neighbor search", 2011 — the
 * SIFT1M / GIST1M / SIFT1B distribution): each vector is a little-endian int32 dimension d followed by d
 * values, float32 (.fvecs), uint8 (.bvecs) or int32 (.ivecs). Every record repeats d, so the file size must be
 * a multiple of 4 + d·width and every header must agree.
 *
 * Files are read in chunks straight into the output array: GIST1M's base file is 3.8 GB, more than one Node
 * Buffer may hold, and reading it whole would double the peak memory.
 */
export type VecsKind = 'fvecs' | 'bvecs' | 'ivecs';

export interface VecsMatrix<T extends Float32Array | Int32Array> {
  rows: number;
  dimension: number;
  data: T;
}

const VALUE_BYTES: Record<VecsKind, number> = { fvecs: 4, bvecs: 1, ivecs: 4 };
const CHUNK_BYTES = 1 << 24;

export function readFvecs(path: string, maxRows?: number): VecsMatrix<Float32Array> {
  return readVecs(path, 'fvecs', maxRows) as VecsMatrix<Float32Array>;
}

/** uint8 vectors (SIFT1B) widened to float32, the type every index here consumes. */
export function readBvecs(path: string, maxRows?: number): VecsMatrix<Float32Array> {
  return readVecs(path, 'bvecs', maxRows) as VecsMatrix<Float32Array>;
}

export function readIvecs(path: string, maxRows?: number): VecsMatrix<Int32Array> {
  return readVecs(path, 'ivecs', maxRows) as VecsMatrix<Int32Array>;
}

export function readVecs(
  path: string,
  kind: VecsKind,
  maxRows?: number,
): VecsMatrix<Float32Array> | VecsMatrix<Int32Array> {
  assertArg(
    maxRows === undefined || (Number.isSafeInteger(maxRows) && maxRows > 0),
    'INVALID_ARGUMENT',
    'maxRows must be a positive integer',
  );
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < 4) throw new DitherError('CORRUPT_DATA', `${path}: empty or truncated ${kind} file`);
    const head = Buffer.alloc(4);
    readFully(fd, head, 4, 0, path);
    const dimension = head.readInt32LE(0);
    const width = VALUE_BYTES[kind];
    // 2^20 dimensions is far beyond any ANN set; a larger header means the file is not a vecs file.
    if (dimension <= 0 || dimension > 1 << 20)
      throw new DitherError('CORRUPT_DATA', `${path}: first header says dimension ${dimension}`);
    const recordBytes = 4 + dimension * width;
    if (size % recordBytes !== 0)
      throw new DitherError(
        'CORRUPT_DATA',
        `${path}: ${size} bytes is not a whole number of ${recordBytes}-byte records (d = ${dimension})`,
      );
    const rows = Math.min(size / recordBytes, maxRows ?? Number.POSITIVE_INFINITY);
    const data = kind === 'ivecs' ? new Int32Array(rows * dimension) : new Float32Array(rows * dimension);
    const rowsPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / recordBytes));
    const chunk = Buffer.allocUnsafe(Math.min(rowsPerChunk, rows) * recordBytes);
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let r0 = 0; r0 < rows; r0 += rowsPerChunk) {
      const nr = Math.min(rowsPerChunk, rows - r0);
      readFully(fd, chunk, nr * recordBytes, r0 * recordBytes, path);
      for (let r = 0; r < nr; r++) {
        const at = r * recordBytes;
        const d = view.getInt32(at, true);
        if (d !== dimension)
          throw new DitherError(
            'CORRUPT_DATA',
            `${path}: row ${r0 + r} says dimension ${d}, not ${dimension}`,
          );
        const out = (r0 + r) * dimension;
        if (kind === 'bvecs') {
          for (let j = 0; j < dimension; j++) data[out + j] = chunk[at + 4 + j]!;
        } else if (kind === 'ivecs') {
          for (let j = 0; j < dimension; j++) data[out + j] = view.getInt32(at + 4 + 4 * j, true);
        } else {
          for (let j = 0; j < dimension; j++) {
            const v = view.getFloat32(at + 4 + 4 * j, true);
            if (!Number.isFinite(v))
              throw new DitherError('NON_FINITE_VALUE', `${path}: row ${r0 + r} holds ${v}`);
            data[out + j] = v;
          }
        }
      }
    }
    return kind === 'ivecs'
      ? { rows, dimension, data: data as Int32Array }
      : { rows, dimension, data: data as Float32Array };
  } finally {
    closeSync(fd);
  }
}

export function readFully(fd: number, buf: Buffer, length: number, position: number, path: string): void {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) throw new DitherError('CORRUPT_DATA', `${path}: unexpected end of file`);
    got += n;
  }
}
