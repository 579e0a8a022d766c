import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBvecs, readFvecs, readIvecs } from '../../bench/datasets/vecs.js';
import { tempDir, writeVecs } from './files.js';

const dir = tempDir('vecs');

describe('TEXMEX vecs readers', () => {
  it('reads .fvecs rows as row-major float32', () => {
    const p = join(dir, 'a.fvecs');
    writeVecs(p, 'fvecs', [
      [1.5, -2, 3],
      [0.25, 5, -6],
    ]);
    const m = readFvecs(p);
    expect(m.rows).toBe(2);
    expect(m.dimension).toBe(3);
    expect(Array.from(m.data)).toEqual([1.5, -2, 3, 0.25, 5, -6]);
  });

  it('reads .bvecs as float32 0..255 and .ivecs as int32', () => {
    const b = join(dir, 'a.bvecs');
    writeVecs(b, 'bvecs', [
      [0, 255],
      [7, 128],
    ]);
    expect(Array.from(readBvecs(b).data)).toEqual([0, 255, 7, 128]);
    const i = join(dir, 'a.ivecs');
    writeVecs(i, 'ivecs', [[5, -1, 2147483647]]);
    const m = readIvecs(i);
    expect(m.data).toBeInstanceOf(Int32Array);
    expect(Array.from(m.data)).toEqual([5, -1, 2147483647]);
  });

  it('reads only maxRows rows', () => {
    const p = join(dir, 'rows.fvecs');
    writeVecs(p, 'fvecs', [[1], [2], [3], [4]]);
    const m = readFvecs(p, 2);
    expect(m.rows).toBe(2);
    expect(Array.from(m.data)).toEqual([1, 2]);
  });

  it('rejects a record whose header disagrees, a truncated file, NaN and an empty file', () => {
    const mixed = join(dir, 'mixed.fvecs');
    // The file size still fits 2 records of d = 2; only the second header lies, and the reader must see it.
    writeVecs(mixed, 'fvecs', [
      [1, 2],
      [3, 4],
    ]);
    const buf = Buffer.from(readFileSync(mixed));
    buf.writeInt32LE(3, 12);
    writeFileSync(mixed, buf);
    expect(() => readFvecs(mixed)).toThrow(expect.objectContaining({ code: 'CORRUPT_DATA' }));

    const cut = join(dir, 'cut.fvecs');
    writeVecs(cut, 'fvecs', [[1, 2, 3]]);
    writeFileSync(cut, readFileSync(cut).subarray(0, 14));
    expect(() => readFvecs(cut)).toThrow(expect.objectContaining({ code: 'CORRUPT_DATA' }));

    const nan = join(dir, 'nan.fvecs');
    writeVecs(nan, 'fvecs', [[1, Number.NaN]]);
    expect(() => readFvecs(nan)).toThrow(expect.objectContaining({ code: 'NON_FINITE_VALUE' }));

    const empty = join(dir, 'empty.fvecs');
    writeFileSync(empty, Buffer.alloc(0));
    expect(() => readFvecs(empty)).toThrow(expect.objectContaining({ code: 'CORRUPT_DATA' }));
    expect(() => readFvecs(nan, 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('reads across chunk boundaries (rows larger than one read are split over several reads)', () => {
    // 2^24-byte chunks hold 15 rows of 4 + 2^20 bytes; 20 rows need two reads.
    const d = 1 << 20;
    const rows = 20;
    const p = join(dir, 'big.bvecs');
    const view = Buffer.alloc(rows * (4 + d));
    for (let r = 0; r < rows; r++) {
      view.writeInt32LE(d, r * (4 + d));
      view[r * (4 + d) + 4 + (r % d)] = r + 1;
    }
    writeFileSync(p, view);
    const m = readBvecs(p);
    expect(m.rows).toBe(rows);
    for (let r = 0; r < rows; r++) expect(m.data[r * d + r]).toBe(r + 1);
    expect(m.data.reduce((a, b) => a + b, 0)).toBe((rows * (rows + 1)) / 2);
    rmSync(p);
  });
});
