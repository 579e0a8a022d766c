import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { assertArg } from '../../src/errors.js';
import type { Dataset, Metric } from './dataset.js';
import { exactDistance, type GroundTruth } from './groundtruth.js';
import { computeGroundTruthParallel, type ParallelGroundTruthOptions } from './groundtruth-parallel.js';

/**
 * Brute-force ground truth costs minutes on Fashion-MNIST (60 000 × 10 000 × 784 multiply-adds), so results
 * are cached under a key that hashes everything they depend on: the train and test bytes, the dimension, the
 * metric, k and a format version. A changed file, a cut (`maxTrain`) or another metric is another key, so a
 * stale entry is never read. Entries are written to a temporary name and renamed, so a crash leaves none
 * half-written.
 *
 * File layout (little-endian): magic "DDGT", uint32 version, uint32 queries, uint32 k, uint32 metric index,
 * then queries·k int32 neighbors, then queries·k float32 distances.
 */
const FORMAT_VERSION = 1;
const MAGIC = 0x54474444; // "DDGT" read as a little-endian uint32
const METRIC_CODES: readonly Metric[] = ['l2', 'cosine', 'dot'];

export function groundTruthCacheDir(): string {
  return (
    process.env.DITHERDB_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ditherdb', 'groundtruth')
  );
}

export function groundTruthKey(
  train: Float32Array,
  test: Float32Array,
  dimension: number,
  k: number,
  metric: Metric,
): string {
  const hash = createHash('sha256');
  hash.update(
    `ditherdb-groundtruth v${FORMAT_VERSION} d=${dimension} k=${k} metric=${metric} n=${train.length}\n`,
  );
  hash.update(new Uint8Array(train.buffer, train.byteOffset, train.byteLength));
  hash.update(`q=${test.length}\n`);
  hash.update(new Uint8Array(test.buffer, test.byteOffset, test.byteLength));
  return hash.digest('hex').slice(0, 32);
}

export interface CachedGroundTruthOptions extends ParallelGroundTruthOptions {
  /** Defaults to `groundTruthCacheDir()` ($DITHERDB_CACHE_DIR, else ~/.cache/ditherdb/groundtruth). */
  cacheDir?: string;
}

export interface CachedGroundTruth extends GroundTruth {
  /** True when the result was read from the cache rather than computed. */
  fromCache: boolean;
  /** The cache file that holds the result. */
  path: string;
}

/**
 * `computeGroundTruth` (over worker threads when the pass is long), remembered on disk; a second call with the
 * same data returns at file-read speed.
 */
export async function cachedGroundTruth(
  train: Float32Array,
  test: Float32Array,
  dimension: number,
  k: number,
  metric: Metric,
  options: CachedGroundTruthOptions = {},
): Promise<CachedGroundTruth> {
  const dir = options.cacheDir ?? groundTruthCacheDir();
  const path = join(dir, `${groundTruthKey(train, test, dimension, k, metric)}.bin`);
  const queries = test.length / dimension;
  if (existsSync(path)) {
    const hit = readEntry(path, queries, k, metric);
    // An unreadable entry (truncated by a full disk, other version) is recomputed and overwritten.
    if (hit !== undefined) return { ...hit, fromCache: true, path };
  }
  const gt = await computeGroundTruthParallel(train, test, dimension, k, metric, options);
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, encode(gt));
  renameSync(tmp, path);
  return { ...gt, fromCache: false, path };
}

function encode(gt: GroundTruth): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(FORMAT_VERSION, 4);
  header.writeUInt32LE(gt.queries, 8);
  header.writeUInt32LE(gt.k, 12);
  header.writeUInt32LE(METRIC_CODES.indexOf(gt.metric), 16);
  const ids = Buffer.alloc(gt.neighbors.length * 4);
  const dists = Buffer.alloc(gt.distances.length * 4);
  for (let i = 0; i < gt.neighbors.length; i++) {
    ids.writeInt32LE(gt.neighbors[i]!, 4 * i);
    dists.writeFloatLE(gt.distances[i]!, 4 * i);
  }
  return Buffer.concat([header, ids, dists]);
}

function readEntry(path: string, queries: number, k: number, metric: Metric): GroundTruth | undefined {
  const buf = readFileSync(path);
  const count = queries * k;
  if (
    buf.length !== 20 + 8 * count ||
    buf.readUInt32LE(0) !== MAGIC ||
    buf.readUInt32LE(4) !== FORMAT_VERSION ||
    buf.readUInt32LE(8) !== queries ||
    buf.readUInt32LE(12) !== k ||
    METRIC_CODES[buf.readUInt32LE(16)] !== metric
  )
    return undefined;
  const neighbors = new Int32Array(count);
  const distances = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    neighbors[i] = buf.readInt32LE(20 + 4 * i);
    distances[i] = buf.readFloatLE(20 + 4 * count + 4 * i);
  }
  return { metric, k, queries, neighbors, distances };
}

/**
 * Ground truth for a dataset at depth k: the shipped one when it covers k under the declared metric
 * (ann-benchmarks files ship 100, TEXMEX 100), otherwise the cached brute force.
 */
export async function datasetGroundTruth(
  dataset: Dataset,
  k: number,
  metric: Metric = dataset.metric ?? 'l2',
  options: CachedGroundTruthOptions = {},
): Promise<GroundTruth & { fromCache: boolean; shipped: boolean }> {
  assertArg(Number.isSafeInteger(k) && k >= 1, 'INVALID_ARGUMENT', 'k must be a positive integer');
  const shippedK = dataset.neighborsK ?? 0;
  if (
    dataset.neighbors !== undefined &&
    shippedK >= k &&
    // Shipped ids are trusted only under the metric the source declared (pass `metric` to the loader when a
    // directory's neighbors file has none): ground truth under another metric is another ranking.
    dataset.metric === metric
  ) {
    const neighbors = new Int32Array(dataset.testCount * k);
    const distances = new Float32Array(dataset.testCount * k);
    for (let q = 0; q < dataset.testCount; q++) {
      neighbors.set(dataset.neighbors.subarray(q * shippedK, q * shippedK + k), q * k);
      if (dataset.distances !== undefined)
        distances.set(dataset.distances.subarray(q * shippedK, q * shippedK + k), q * k);
      // TEXMEX ships ids only; k exact distances per query cost nothing next to a brute-force pass.
      else
        for (let t = 0; t < k; t++) {
          const id = neighbors[q * k + t]!;
          distances[q * k + t] =
            id < 0
              ? Number.POSITIVE_INFINITY
              : exactDistance(dataset.train, dataset.test, dataset.dimension, metric, q, id);
        }
    }
    return { metric, k, queries: dataset.testCount, neighbors, distances, fromCache: false, shipped: true };
  }
  const gt = await cachedGroundTruth(dataset.train, dataset.test, dataset.dimension, k, metric, options);
  return {
    metric,
    k,
    queries: gt.queries,
    neighbors: gt.neighbors,
    distances: gt.distances,
    fromCache: gt.fromCache,
    shipped: false,
  };
}
