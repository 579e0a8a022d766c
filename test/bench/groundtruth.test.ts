import { existsSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createDataset, type Metric } from '../../bench/datasets/dataset.js';
import { computeGroundTruth } from '../../bench/datasets/groundtruth.js';
import { cachedGroundTruth, datasetGroundTruth } from '../../bench/datasets/groundtruth-cache.js';
import { computeGroundTruthParallel } from '../../bench/datasets/groundtruth-parallel.js';
import { Rng } from '../../src/rng.js';
import { tempDir } from './files.js';

// x0 = (0,0), x1 = (1,0), x2 = (0,2), x3 = (3,3), x4 = (−1,0)
const train = new Float32Array([0, 0, 1, 0, 0, 2, 3, 3, -1, 0]);
const test = new Float32Array([0, 0, 1, 1]);

describe('computeGroundTruth on a hand-checked set', () => {
  it('l2: Euclidean distances, ties to the smaller index', () => {
    const gt = computeGroundTruth(train, test, 2, 3, 'l2', { quiet: true });
    // q0 = (0,0): x0 at 0, x1 and x4 at 1 (tie → x1 first). q1 = (1,1): x1 at 1, x0 and x2 at √2 (tie → x0).
    expect(Array.from(gt.neighbors)).toEqual([0, 1, 4, 1, 0, 2]);
    const want = [0, 1, 1, 1, Math.SQRT2, Math.SQRT2];
    for (const [i, d] of gt.distances.entries()) expect(d).toBeCloseTo(want[i]!, 6);
  });

  it('cosine: 1 − cos, a zero vector at distance 1', () => {
    const gt = computeGroundTruth(train, test.subarray(2), 2, 4, 'cosine', { quiet: true });
    // q = (1,1): x3 parallel (0), x1 and x2 at 45° (1 − 1/√2, tie → x1), x0 zero (1), x4 at 135°.
    expect(Array.from(gt.neighbors)).toEqual([3, 1, 2, 0]);
    const want = [0, 1 - Math.SQRT1_2, 1 - Math.SQRT1_2, 1];
    for (const [i, d] of gt.distances.entries()) expect(d).toBeCloseTo(want[i]!, 6);
  });

  it('dot: distance −⟨q, x⟩', () => {
    const gt = computeGroundTruth(train, test.subarray(2), 2, 5, 'dot', { quiet: true });
    expect(Array.from(gt.neighbors)).toEqual([3, 2, 1, 0, 4]);
    expect(Array.from(gt.distances)).toEqual([-6, -2, -1, -0, 1]);
  });

  it('validates its inputs', () => {
    const code = (c: string) => expect.objectContaining({ code: c });
    expect(() => computeGroundTruth(train, test, 2, 6, 'l2')).toThrow(code('INVALID_ARGUMENT'));
    expect(() => computeGroundTruth(train, test, 3, 1, 'l2')).toThrow(code('DIMENSION_MISMATCH'));
    expect(() => computeGroundTruth(train, test, 2, 1, 'hamming' as Metric)).toThrow(
      code('INVALID_ARGUMENT'),
    );
    expect(() => computeGroundTruth(train, new Float32Array([0, Number.NaN]), 2, 1, 'l2')).toThrow(
      code('NON_FINITE_VALUE'),
    );
  });
});

/** Sort every train row per query: the definition the blocked heap pass must reproduce exactly. */
function naive(tr: Float32Array, te: Float32Array, d: number, k: number, metric: Metric): Int32Array {
  const n = tr.length / d;
  const nq = te.length / d;
  const out = new Int32Array(nq * k);
  for (let q = 0; q < nq; q++) {
    const scored = Array.from({ length: n }, (_, i) => {
      let s = 0;
      let xx = 0;
      let qq = 0;
      for (let j = 0; j < d; j++) {
        const a = te[q * d + j]!;
        const b = tr[i * d + j]!;
        s += metric === 'l2' ? (a - b) * (a - b) : a * b;
        xx += b * b;
        qq += a * a;
      }
      const denom = Math.sqrt(qq) * Math.sqrt(xx);
      const dist = metric === 'l2' ? s : metric === 'dot' ? -s : 1 - (denom === 0 ? 0 : s / denom);
      return { i, dist };
    });
    scored.sort((a, b) => a.dist - b.dist || a.i - b.i);
    for (let t = 0; t < k; t++) out[q * k + t] = scored[t]!.i;
  }
  return out;
}

describe('computeGroundTruth against a full sort', () => {
  // d = 64 → 1024-row train blocks, so 2500 rows cross two block boundaries; 7 queries leave a short group
  // of 3; coordinates in {0,1,2} make many exact ties, which the index rule must settle the same way.
  const rng = new Rng(11);
  const d = 64;
  const tr = Float32Array.from({ length: 2500 * d }, () => rng.int(3));
  const te = Float32Array.from({ length: 7 * d }, () => rng.int(3));
  it.each(['l2', 'cosine', 'dot'] as const)('%s: same ids in the same order, k = 40', (metric) => {
    const gt = computeGroundTruth(tr, te, d, 40, metric, { quiet: true });
    expect(Array.from(gt.neighbors)).toEqual(Array.from(naive(tr, te, d, 40, metric)));
    for (let q = 0; q < 7; q++)
      for (let t = 1; t < 40; t++)
        expect(gt.distances[q * 40 + t]!).toBeGreaterThanOrEqual(gt.distances[q * 40 + t - 1]!);
  });

  it('k = n ranks the whole set and progress reaches 1 monotonically', () => {
    const small = tr.subarray(0, 300 * d);
    const seen: number[] = [];
    const gt = computeGroundTruth(small, te, d, 300, 'l2', { quiet: true, onProgress: (f) => seen.push(f) });
    expect(Array.from(gt.neighbors)).toEqual(Array.from(naive(small, te, d, 300, 'l2')));
    expect(seen.at(-1)).toBe(1);
    expect(seen.every((f, i) => i === 0 || f > seen[i - 1]!)).toBe(true);
  });
});

describe('ground-truth cache', () => {
  it('computes once, then reads the same arrays back; another k or a damaged entry recomputes', async () => {
    const cacheDir = tempDir('gtcache');
    const first = await cachedGroundTruth(train, test, 2, 3, 'l2', { cacheDir, quiet: true });
    expect(first.fromCache).toBe(false);
    expect(existsSync(first.path)).toBe(true);
    const second = await cachedGroundTruth(train, test, 2, 3, 'l2', { cacheDir, quiet: true });
    expect(second.fromCache).toBe(true);
    expect(second.path).toBe(first.path);
    expect(Array.from(second.neighbors)).toEqual(Array.from(first.neighbors));
    expect(Array.from(second.distances)).toEqual(Array.from(first.distances));
    const otherK = await cachedGroundTruth(train, test, 2, 2, 'l2', { cacheDir, quiet: true });
    expect(otherK.fromCache).toBe(false);
    expect(otherK.path).not.toBe(first.path);
    const otherMetric = await cachedGroundTruth(train, test, 2, 3, 'dot', { cacheDir, quiet: true });
    expect(otherMetric.path).not.toBe(first.path);
    writeFileSync(first.path, Buffer.alloc(7));
    const again = await cachedGroundTruth(train, test, 2, 3, 'l2', { cacheDir, quiet: true });
    expect(again.fromCache).toBe(false);
    expect(Array.from(again.neighbors)).toEqual(Array.from(first.neighbors));
  });

  it('datasetGroundTruth uses shipped ids (filling in missing distances) and brute force otherwise', async () => {
    const cacheDir = tempDir('gtcache2');
    const shipped = createDataset({
      name: 't',
      dimension: 2,
      train,
      test,
      neighbors: new Int32Array([0, 4, 1, 2]),
      neighborsK: 2,
      metric: 'l2',
    });
    const gt = await datasetGroundTruth(shipped, 1, 'l2', { cacheDir, quiet: true });
    expect(gt.shipped).toBe(true);
    expect(Array.from(gt.neighbors)).toEqual([0, 1]);
    expect(gt.distances[1]).toBeCloseTo(1, 6);
    const deeper = await datasetGroundTruth(shipped, 3, 'l2', { cacheDir, quiet: true });
    expect(deeper.shipped).toBe(false);
    expect(Array.from(deeper.neighbors)).toEqual([0, 1, 4, 1, 0, 2]);
  });
});

describe('ground-truth progress bar', () => {
  /** A terminal stand-in that records what the bar draws. */
  function fakeStream(isTTY: boolean) {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    }) as Writable & { isTTY?: boolean; columns?: number };
    stream.isTTY = isTTY;
    stream.columns = 120;
    return { stream, text: () => chunks.join('') };
  }

  it('draws on a terminal when the pass is long enough, and not when quiet, short or not a TTY', () => {
    const tty = fakeStream(true);
    computeGroundTruth(train, test, 2, 1, 'l2', { progressStream: tty.stream, progressMinWork: 0 });
    expect(tty.text()).toContain('ground truth');
    expect(tty.text()).toContain('5/5 train rows');
    for (const opts of [
      { progressStream: fakeStream(true), quiet: true, progressMinWork: 0 },
      { progressStream: fakeStream(true) },
      { progressStream: fakeStream(false), progressMinWork: 0 },
    ]) {
      computeGroundTruth(train, test, 2, 1, 'l2', { ...opts, progressStream: opts.progressStream.stream });
      expect(opts.progressStream.text()).toBe('');
    }
  });
});

describe('computeGroundTruthParallel', () => {
  it('gives the in-thread result bit for bit over 2 workers, with progress reaching 1', async () => {
    const rng = new Rng(5);
    const d = 32;
    const tr = Float32Array.from({ length: 3000 * d }, () => rng.int(4) - 1.5);
    const te = Float32Array.from({ length: 11 * d }, () => rng.int(4) - 1.5);
    // One metric: each pass starts two workers (~1 s each on a loaded machine); cosine also covers the norms.
    for (const metric of ['cosine'] as const) {
      const one = computeGroundTruth(tr, te, d, 25, metric, { quiet: true });
      const seen: number[] = [];
      const two = await computeGroundTruthParallel(tr, te, d, 25, metric, {
        quiet: true,
        threads: 2,
        parallelMinWork: 0,
        onProgress: (f) => seen.push(f),
      });
      expect(Array.from(two.neighbors)).toEqual(Array.from(one.neighbors));
      expect(Array.from(two.distances)).toEqual(Array.from(one.distances));
      expect(seen.at(-1)).toBeCloseTo(1, 12);
    }
  });

  it('validates before spawning anything', async () => {
    await expect(computeGroundTruthParallel(train, test, 2, 9, 'l2', { threads: 2 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      computeGroundTruthParallel(train, test, 2, 1, 'l2', { threads: 0, parallelMinWork: 0 }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
