import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadFashionMnist, readIdx } from '../../bench/datasets/idx.js';
import { idxBytes, tempDir } from './files.js';

const dir = tempDir('idx');

describe('readIdx', () => {
  it('reads raw and gzipped IDX files to the same shape and bytes', () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 37) % 256);
    const raw = join(dir, 'raw-idx3-ubyte');
    writeFileSync(raw, idxBytes([2, 3, 4], data));
    const gz = join(dir, 'gz-idx3-ubyte.gz');
    writeFileSync(gz, gzipSync(idxBytes([2, 3, 4], data)));
    for (const p of [raw, gz]) {
      const a = readIdx(p);
      expect(a.shape).toEqual([2, 3, 4]);
      expect(Array.from(a.data)).toEqual(Array.from(data));
    }
  });

  it('rejects a wrong magic, a non-uint8 type and a length that disagrees with the shape', () => {
    const bad = join(dir, 'bad');
    writeFileSync(bad, Buffer.from([1, 2, 3, 4, 5]));
    expect(() => readIdx(bad)).toThrow(/not an IDX file/);
    const floats = join(dir, 'floats');
    writeFileSync(floats, idxBytes([1], new Uint8Array(4), 0x0d));
    expect(() => readIdx(floats)).toThrow(/not supported/);
    const short = join(dir, 'short');
    writeFileSync(short, idxBytes([5], new Uint8Array(4)));
    expect(() => readIdx(short)).toThrow(/expected 5 values/);
  });
});

describe('loadFashionMnist', () => {
  it('assembles train/test images as float32 pixels with labels from a directory of gzipped IDX files', () => {
    const fm = join(dir, 'fashion');
    mkdirSync(fm);
    const images = (n: number, seed: number) =>
      Uint8Array.from({ length: n * 28 * 28 }, (_, i) => (i + seed) % 256);
    const write = (name: string, bytes: Buffer) => writeFileSync(join(fm, name), gzipSync(bytes));
    write('train-images-idx3-ubyte.gz', idxBytes([3, 28, 28], images(3, 1)));
    write('train-labels-idx1-ubyte.gz', idxBytes([3], new Uint8Array([9, 0, 4])));
    write('t10k-images-idx3-ubyte.gz', idxBytes([2, 28, 28], images(2, 5)));
    write('t10k-labels-idx1-ubyte.gz', idxBytes([2], new Uint8Array([1, 2])));
    const set = loadFashionMnist(fm)!;
    expect(set.dimension).toBe(784);
    expect(set.train).toBeInstanceOf(Float32Array);
    expect(set.train.length).toBe(3 * 784);
    expect(set.train[784]).toBe((784 + 1) % 256);
    expect(set.test.length).toBe(2 * 784);
    expect(set.test[0]).toBe(5);
    expect(Array.from(set.trainLabels)).toEqual([9, 0, 4]);
    expect(Array.from(set.testLabels)).toEqual([1, 2]);
  });

  it('returns null when the files are absent', () => {
    expect(loadFashionMnist(join(dir, 'nowhere'))).toBeNull();
  });
});
