import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy, readNpyIds, readNpyMatrix } from '../../bench/datasets/npy.js';
import { tempDir, writeNpy } from './files.js';

const dir = tempDir('npy');

describe('.npy reader', () => {
  it.each([1, 2, 3] as const)('reads a version %i header', (version) => {
    const p = join(dir, `v${version}.npy`);
    writeNpy(p, '<f4', [2, 3], new Float32Array([1, 2, 3, 4, 5, 6.5]), { version });
    const a = readNpy(p);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('<f4');
    expect(Array.from(a.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6.5]);
  });

  it('reads <f8, <i4, |u1 and <i8 and converts matrices to float32 and ids to int32', () => {
    const f8 = join(dir, 'f8.npy');
    writeNpy(f8, '<f8', [1, 2], new Float64Array([0.1, -3]));
    const m = readNpyMatrix(f8);
    expect(m.data).toBeInstanceOf(Float32Array);
    expect(Array.from(m.data)).toEqual([Math.fround(0.1), -3]);
    const i4 = join(dir, 'i4.npy');
    writeNpy(i4, '<i4', [2, 1], new Int32Array([-7, 9]));
    expect(Array.from(readNpy(i4).data as Int32Array)).toEqual([-7, 9]);
    const u1 = join(dir, 'u1.npy');
    writeNpy(u1, '|u1', [1, 3], new Uint8Array([0, 128, 255]));
    expect(Array.from(readNpyMatrix(u1).data)).toEqual([0, 128, 255]);
    const i8 = join(dir, 'i8.npy');
    writeNpy(i8, '<i8', [1, 2], new BigInt64Array([3n, 40000n]));
    const ids = readNpyIds(i8);
    expect(ids.data).toBeInstanceOf(Int32Array);
    expect(Array.from(ids.data)).toEqual([3, 40000]);
  });

  it('reads only maxRows rows of the leading axis', () => {
    const p = join(dir, 'rows.npy');
    writeNpy(p, '<f4', [3, 2], new Float32Array([1, 2, 3, 4, 5, 6]));
    const m = readNpyMatrix(p, 2);
    expect(m.rows).toBe(2);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4]);
  });

  it('rejects Fortran order, big-endian and unsupported dtypes with INVALID_ARGUMENT', () => {
    const fortran = join(dir, 'fortran.npy');
    writeNpy(fortran, '<f4', [2, 2], new Float32Array(4), { fortran: true });
    expect(() => readNpy(fortran)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => readNpy(fortran)).toThrow(/Fortran/);
    const big = join(dir, 'big.npy');
    writeNpy(big, '>f4', [1, 1], new Float32Array(1));
    expect(() => readNpy(big)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => readNpy(big)).toThrow(/big-endian/);
    const half = join(dir, 'half.npy');
    writeNpy(half, '<f2', [1, 2], new Uint16Array(2));
    expect(() => readNpy(half)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('rejects a bad magic, a size that disagrees with the shape, and a non-2-D matrix', () => {
    const bad = join(dir, 'bad.npy');
    writeFileSync(bad, Buffer.from('not numpy at all'));
    expect(() => readNpy(bad)).toThrow(expect.objectContaining({ code: 'CORRUPT_DATA' }));
    const short = join(dir, 'short.npy');
    writeNpy(short, '<f4', [4, 2], new Float32Array(7));
    expect(() => readNpy(short)).toThrow(expect.objectContaining({ code: 'CORRUPT_DATA' }));
    const flat = join(dir, 'flat.npy');
    writeNpy(flat, '<f4', [3], new Float32Array(3));
    expect(readNpy(flat).shape).toEqual([3]);
    expect(() => readNpyMatrix(flat)).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH' }));
  });
});
