import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHdf5, metricFromAnnBenchmarks } from '../../bench/datasets/hdf5.js';
import { tempDir } from './files.js';

const dir = tempDir('hdf5');

/** A file laid out as ann-benchmarks writes it (ann_benchmarks/datasets.py: write_output). */
function writeAnnFile(
  name: string,
  parts: { train: Float32Array | Float64Array; test: Float32Array; d: number; distance?: string; k?: number },
): string {
  const path = join(dir, name);
  const f = new h5wasm.File(path, 'w');
  const dtype = parts.train instanceof Float64Array ? '<d' : '<f';
  f.create_dataset({
    name: 'train',
    data: parts.train,
    shape: [parts.train.length / parts.d, parts.d],
    dtype,
  });
  f.create_dataset({
    name: 'test',
    data: parts.test,
    shape: [parts.test.length / parts.d, parts.d],
    dtype: '<f',
  });
  if (parts.k !== undefined) {
    const q = parts.test.length / parts.d;
    const ids = new Int32Array(q * parts.k);
    const dists = new Float32Array(q * parts.k);
    for (let i = 0; i < ids.length; i++) {
      ids[i] = i % (parts.train.length / parts.d);
      dists[i] = i / 10;
    }
    f.create_dataset({ name: 'neighbors', data: ids, shape: [q, parts.k], dtype: '<i' });
    f.create_dataset({ name: 'distances', data: dists, shape: [q, parts.k], dtype: '<f' });
  }
  if (parts.distance !== undefined) f.create_attribute('distance', parts.distance);
  f.close();
  return path;
}

beforeAll(async () => {
  await h5wasm.ready;
});

describe('ann-benchmarks .hdf5 loader', () => {
  it('reads train, test, neighbors, distances and the distance attribute', async () => {
    const train = new Float32Array([0, 0, 1, 1, 2, 2, 3, 3]);
    const test = new Float32Array([0.5, 0.5, 2.5, 2.5, 9, 9]);
    const p = writeAnnFile('sift-2-euclidean.hdf5', { train, test, d: 2, distance: 'euclidean', k: 2 });
    const ds = await loadHdf5(p);
    expect(ds.name).toBe('sift-2-euclidean');
    expect(ds.dimension).toBe(2);
    expect(ds.trainCount).toBe(4);
    expect(ds.testCount).toBe(3);
    expect(Array.from(ds.train)).toEqual(Array.from(train));
    expect(Array.from(ds.test)).toEqual(Array.from(test));
    expect(ds.metric).toBe('l2');
    expect(ds.neighborsK).toBe(2);
    expect(Array.from(ds.neighbors!)).toEqual([0, 1, 2, 3, 0, 1]);
    expect(ds.distances![5]).toBeCloseTo(0.5, 6);
  });

  it('maps angular to cosine, converts float64 to float32, and cuts rows (dropping stale ground truth)', async () => {
    const train = new Float64Array([1, 0, 0, 1, 1, 1]);
    const p = writeAnnFile('glove-2-angular.hdf5', {
      train,
      test: new Float32Array([1, 0, 0, 1]),
      d: 2,
      distance: 'angular',
      k: 1,
    });
    const ds = await loadHdf5(p);
    expect(ds.metric).toBe('cosine');
    expect(ds.train).toBeInstanceOf(Float32Array);
    expect(Array.from(ds.train)).toEqual([1, 0, 0, 1, 1, 1]);
    const cut = await loadHdf5(p, { maxTrain: 2, maxTest: 1 });
    expect(cut.trainCount).toBe(2);
    expect(cut.testCount).toBe(1);
    expect(cut.neighbors).toBeUndefined();
    const fewerQueries = await loadHdf5(p, { maxTest: 1 });
    expect(fewerQueries.neighbors?.length).toBe(1);
    expect((await loadHdf5(p, { metric: 'dot' })).metric).toBe('dot');
  });

  it('leaves the metric undefined without a distance attribute', async () => {
    const p = writeAnnFile('plain.hdf5', {
      train: new Float32Array([1, 2]),
      test: new Float32Array([3, 4]),
      d: 2,
    });
    const ds = await loadHdf5(p);
    expect(ds.metric).toBeUndefined();
    expect(ds.neighbors).toBeUndefined();
  });

  it('rejects unsupported distances, missing datasets, mismatched widths and missing files', async () => {
    expect(() => metricFromAnnBenchmarks('hamming')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(metricFromAnnBenchmarks('Euclidean')).toBe('l2');
    const ham = writeAnnFile('ham.hdf5', {
      train: new Float32Array([1, 0]),
      test: new Float32Array([0, 1]),
      d: 2,
      distance: 'jaccard',
    });
    await expect(loadHdf5(ham)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    const noTest = join(dir, 'notest.hdf5');
    const f = new h5wasm.File(noTest, 'w');
    f.create_dataset({ name: 'train', data: new Float32Array(4), shape: [2, 2], dtype: '<f' });
    f.close();
    await expect(loadHdf5(noTest)).rejects.toMatchObject({ code: 'CORRUPT_DATA' });

    const ragged = join(dir, 'ragged.hdf5');
    const g = new h5wasm.File(ragged, 'w');
    g.create_dataset({ name: 'train', data: new Float32Array(4), shape: [2, 2], dtype: '<f' });
    g.create_dataset({ name: 'test', data: new Float32Array(3), shape: [1, 3], dtype: '<f' });
    g.close();
    await expect(loadHdf5(ragged)).rejects.toMatchObject({ code: 'DIMENSION_MISMATCH' });

    await expect(loadHdf5(join(dir, 'absent.hdf5'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
