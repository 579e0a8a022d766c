import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR } from '../../bench/datasets/idx.js';
import { loadDataset } from '../../bench/datasets/load.js';
import { holdOutSplit } from '../../bench/datasets/split.js';
import { idxBytes, tempDir, writeNpy, writeVecs } from './files.js';

const dir = tempDir('load');
const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

function rows(n: number, d: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => i * 10 + j));
}

describe('loadDataset', () => {
  it('loads a TEXMEX directory with base, query and ground truth, metric l2', async () => {
    const sift = join(dir, 'sift');
    mkdirSync(sift);
    writeVecs(join(sift, 'sift_base.fvecs'), 'fvecs', rows(5, 3));
    writeVecs(join(sift, 'sift_query.fvecs'), 'fvecs', rows(2, 3));
    writeVecs(join(sift, 'sift_learn.fvecs'), 'fvecs', rows(1, 3));
    writeVecs(join(sift, 'sift_groundtruth.ivecs'), 'ivecs', [
      [0, 1],
      [1, 2],
    ]);
    const ds = await loadDataset(sift);
    expect(ds.name).toBe('sift');
    expect(ds.metric).toBe('l2');
    expect([ds.trainCount, ds.testCount, ds.dimension, ds.neighborsK]).toEqual([5, 2, 3, 2]);
    expect(ds.train[3]).toBe(10);
    expect(Array.from(ds.neighbors!)).toEqual([0, 1, 1, 2]);
    // The _base file alone finds its siblings.
    const viaFile = await loadDataset(join(sift, 'sift_base.fvecs'));
    expect(Array.from(viaFile.neighbors!)).toEqual([0, 1, 1, 2]);
    // Cutting the base voids the shipped ground truth; cutting the queries cuts it.
    const cut = await loadDataset(sift, { maxTrain: 4 });
    expect(cut.trainCount).toBe(4);
    expect(cut.neighbors).toBeUndefined();
    const fewer = await loadDataset(sift, { maxTest: 1, maxTrain: 5 });
    expect(Array.from(fewer.neighbors!)).toEqual([0, 1]);
  });

  it('loads a train.npy + test.npy + neighbors.npy directory', async () => {
    const np = join(dir, 'np');
    mkdirSync(np);
    writeNpy(join(np, 'train.npy'), '<f4', [3, 2], new Float32Array([1, 2, 3, 4, 5, 6]));
    writeNpy(join(np, 'test.npy'), '<f4', [1, 2], new Float32Array([0, 0]));
    writeNpy(join(np, 'neighbors.npy'), '<i8', [1, 3], new BigInt64Array([0n, 1n, 2n]));
    const ds = await loadDataset(np, { metric: 'cosine' });
    expect(ds.name).toBe('np');
    expect(ds.metric).toBe('cosine');
    expect(Array.from(ds.neighbors!)).toEqual([0, 1, 2]);
  });

  it('splits a single matrix into train and a seeded held-out test set', async () => {
    const p = join(dir, 'single.jsonl');
    writeFileSync(
      p,
      rows(50, 2)
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const a = await loadDataset(p, { testCount: 5, seed: 3 });
    const b = await loadDataset(p, { testCount: 5, seed: 3 });
    const c = await loadDataset(p, { testCount: 5, seed: 4 });
    expect([a.trainCount, a.testCount]).toEqual([45, 5]);
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
    // Every row lands in exactly one part: first coordinates 0, 10, ..., 490 all appear once.
    const firsts = [...a.train.filter((_, i) => i % 2 === 0), ...a.test.filter((_, i) => i % 2 === 0)];
    expect(firsts.sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i * 10));
    // A train cut keeps the same queries.
    const cut = await loadDataset(p, { testCount: 5, seed: 3, maxTrain: 10 });
    expect(cut.trainCount).toBe(10);
    expect(Array.from(cut.test)).toEqual(Array.from(a.test));
    expect(Array.from(cut.train)).toEqual(Array.from(a.train.subarray(0, 20)));
    const npy = join(dir, 'single.npy');
    writeNpy(
      npy,
      '<f4',
      [20, 1],
      Float32Array.from({ length: 20 }, (_, i) => i),
    );
    const d = await loadDataset(npy);
    expect([d.trainCount, d.testCount]).toEqual([18, 2]);
  });

  it('holdOutSplit picks each row as a query with probability testCount/rows', () => {
    // 400 splits of 10 rows, 3 queries each: each row's count is Binomial(400, 0.3), sd ≈ 9.2; allow 5 sd.
    const data = Float32Array.from({ length: 10 }, (_, i) => i);
    const counts = new Array(10).fill(0);
    for (let seed = 0; seed < 400; seed++)
      for (const r of holdOutSplit(data, 1, 3, seed).testRows) counts[r]++;
    for (const c of counts) expect(Math.abs(c - 120)).toBeLessThan(5 * Math.sqrt(400 * 0.3 * 0.7));
  });

  it('finds Fashion-MNIST through FASHION_MNIST_DIR and says how to install it when absent', async () => {
    const fm = join(dir, 'fm');
    mkdirSync(fm);
    const img = (n: number) => Uint8Array.from({ length: n * 784 }, (_, i) => i % 251);
    const write = (name: string, b: Buffer) => writeFileSync(join(fm, name), gzipSync(b));
    write('train-images-idx3-ubyte.gz', idxBytes([4, 28, 28], img(4)));
    write('train-labels-idx1-ubyte.gz', idxBytes([4], new Uint8Array(4)));
    write('t10k-images-idx3-ubyte.gz', idxBytes([2, 28, 28], img(2)));
    write('t10k-labels-idx1-ubyte.gz', idxBytes([2], new Uint8Array(2)));
    process.env.FASHION_MNIST_DIR = fm;
    const ds = await loadDataset('fashion-mnist', { maxTrain: 3 });
    expect([ds.name, ds.metric, ds.dimension, ds.trainCount, ds.testCount]).toEqual([
      'fashion-mnist-784-euclidean',
      'l2',
      784,
      3,
      2,
    ]);
    process.env.FASHION_MNIST_DIR = join(dir, 'none');
    await expect(loadDataset('fashion-mnist')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadDataset('fashion-mnist')).rejects.toThrow(/apt-get install -y dataset-fashion-mnist/);
  });

  it('loads .hdf5 by extension and a bare ann-benchmarks name from DITHERDB_DATA_DIR', async () => {
    const h5wasm = (await import('h5wasm/node')).default;
    await h5wasm.ready;
    const data = join(dir, 'data-h5');
    mkdirSync(data);
    const path = join(data, 'tiny-2-angular.hdf5');
    const f = new h5wasm.File(path, 'w');
    f.create_dataset({
      name: 'train',
      data: new Float32Array([1, 0, 0, 1, 1, 1]),
      shape: [3, 2],
      dtype: '<f',
    });
    f.create_dataset({ name: 'test', data: new Float32Array([1, 0.5]), shape: [1, 2], dtype: '<f' });
    f.create_attribute('distance', 'angular');
    f.close();
    const byPath = await loadDataset(path);
    expect([byPath.name, byPath.metric, byPath.trainCount]).toEqual(['tiny-2-angular', 'cosine', 3]);
    process.env.DITHERDB_DATA_DIR = data;
    const byName = await loadDataset('tiny-2-angular', { maxTrain: 2 });
    expect([byName.name, byName.trainCount, byName.testCount]).toEqual(['tiny-2-angular', 2, 1]);
  });

  it('rejects unknown names, missing paths, unknown extensions and ambiguous directories', async () => {
    process.env.DITHERDB_DATA_DIR = join(dir, 'data');
    await expect(loadDataset('sift-128-euclidean')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadDataset(join(dir, 'missing.npy'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const txt = join(dir, 'x.csv');
    writeFileSync(txt, '1,2\n');
    await expect(loadDataset(txt)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const two = join(dir, 'two');
    mkdirSync(two);
    writeVecs(join(two, 'a_base.fvecs'), 'fvecs', rows(2, 2));
    writeVecs(join(two, 'b_base.fvecs'), 'fvecs', rows(2, 2));
    writeVecs(join(two, 'a_query.fvecs'), 'fvecs', rows(1, 2));
    await expect(loadDataset(two)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadDataset(two, { maxTrain: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('the installed Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it.runIf(existsSync(`${FASHION_MNIST_DIR}/train-images-idx3-ubyte.gz`))(
    'is ann-benchmarks fashion-mnist-784-euclidean: 60 000 train, 10 000 test, 784-d, pixels 0..255',
    async () => {
      process.env.FASHION_MNIST_DIR = FASHION_MNIST_DIR;
      const ds = await loadDataset('fashion-mnist');
      expect([ds.trainCount, ds.testCount, ds.dimension]).toEqual([60000, 10000, 784]);
      expect(Math.max(...ds.test.subarray(0, 784 * 10))).toBeLessThanOrEqual(255);
    },
  );
});
