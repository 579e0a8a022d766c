import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp dir per test file; tests write every dataset they read. */
export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `ditherdb-${tag}-`));
}

/** TEXMEX layout written byte by byte, independent of the reader under test. */
export function writeVecs(path: string, kind: 'fvecs' | 'bvecs' | 'ivecs', rows: number[][]): void {
  const width = kind === 'bvecs' ? 1 : 4;
  const size = rows.reduce((s, r) => s + 4 + r.length * width, 0);
  const view = new DataView(new ArrayBuffer(size));
  let at = 0;
  for (const row of rows) {
    view.setInt32(at, row.length, true);
    at += 4;
    for (const v of row) {
      if (kind === 'fvecs') view.setFloat32(at, v, true);
      else if (kind === 'ivecs') view.setInt32(at, v, true);
      else view.setUint8(at, v);
      at += width;
    }
  }
  writeFileSync(path, new Uint8Array(view.buffer));
}

/** A .npy file as numpy.lib.format writes it: magic, version, padded dict header, raw data. */
export function writeNpy(
  path: string,
  descr: string,
  shape: number[],
  data: ArrayBufferView,
  options: { version?: 1 | 2 | 3; fortran?: boolean } = {},
): void {
  const version = options.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefix = version === 1 ? 10 : 12;
  // NumPy pads with spaces so that the data starts on a 64-byte boundary, and ends the header with '\n'.
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  dict = `${dict}${' '.repeat(total - prefix - dict.length - 1)}\n`;
  const header = Buffer.alloc(prefix);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(header);
  if (version === 1) header.writeUInt16LE(dict.length, 8);
  else header.writeUInt32LE(dict.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  writeFileSync(path, Buffer.concat([header, Buffer.from(dict, 'latin1'), body]));
}

export function idxBytes(shape: number[], data: Uint8Array, typeByte = 0x08): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = typeByte;
  header[3] = shape.length;
  for (const [i, n] of shape.entries()) header.writeUInt32BE(n, 4 + 4 * i);
  return Buffer.concat([header, Buffer.from(data)]);
}
