import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { assertArg, DitherError } from '../../src/errors.js';
import type { Metric } from './dataset.js';
import {
  computeGroundTruth,
  type GroundTruth,
  type GroundTruthOptions,
  progressBar,
  validateGroundTruthInput,
} from './groundtruth.js';

/**
 * `computeGroundTruth` split over worker threads by query ranges. Every worker scans the whole train set for
 * its queries, so the result is the same arrays bit for bit (each query's heap sees the same candidates in the
 * same order). Train and test are shared, not copied per worker: they are moved into SharedArrayBuffers once.
 *
 * Workers load the TypeScript sources through tsx (the runner of every program in bench/), so this works
 * under `npx tsx` and vitest alike. A pass too small to repay a worker's start-up (~0.5–1 s) runs in-thread.
 */
export interface ParallelGroundTruthOptions extends GroundTruthOptions {
  /** Worker count; default os.availableParallelism() (at most 8). 1 = in-thread. */
  threads?: number;
  /** Multiply-adds below which the pass stays in-thread; default 5e9 (a few seconds of work). */
  parallelMinWork?: number;
}

const PARALLEL_MIN_WORK = 5e9;

export async function computeGroundTruthParallel(
  train: Float32Array,
  test: Float32Array,
  dimension: number,
  k: number,
  metric: Metric,
  options: ParallelGroundTruthOptions = {},
): Promise<GroundTruth> {
  const { n, nq } = validateGroundTruthInput(train, test, dimension, k, metric);
  const threads = Math.min(options.threads ?? Math.min(8, availableParallelism()), nq);
  assertArg(
    Number.isSafeInteger(threads) && threads >= 1,
    'INVALID_ARGUMENT',
    'threads must be a positive integer',
  );
  const work = n * nq * dimension;
  if (threads === 1 || work < (options.parallelMinWork ?? PARALLEL_MIN_WORK))
    return computeGroundTruth(train, test, dimension, k, metric, options);

  const sharedTrain = shared(train);
  const sharedTest = shared(test);
  const bar = progressBar(options, work, '‰');
  bar?.start(1000, 0);
  const fractions = new Float64Array(threads);
  const starts = Array.from({ length: threads + 1 }, (_, t) => Math.round((t * nq) / threads));
  const report = () => {
    let done = 0;
    for (let t = 0; t < threads; t++) done += (fractions[t]! * (starts[t + 1]! - starts[t]!)) / nq;
    bar?.update(Math.round(done * 1000));
    options.onProgress?.(done);
  };
  const workers: Worker[] = [];
  try {
    const parts = await Promise.all(
      Array.from({ length: threads }, (_, t) => {
        const worker = spawn({
          train: sharedTrain,
          test: sharedTest.subarray(starts[t]! * dimension, starts[t + 1]! * dimension),
          dimension,
          k,
          metric,
        });
        workers.push(worker);
        return new Promise<{ neighbors: Int32Array; distances: Float32Array }>((resolve, reject) => {
          worker.on(
            'message',
            (m: { type: string; fraction?: number; neighbors?: Int32Array; distances?: Float32Array }) => {
              if (m.type === 'progress') {
                fractions[t] = m.fraction!;
                report();
              } else resolve({ neighbors: m.neighbors!, distances: m.distances! });
            },
          );
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0)
              reject(new DitherError('INTERNAL', `ground-truth worker ${t} exited with ${code}`));
          });
        });
      }),
    );
    const neighbors = new Int32Array(nq * k);
    const distances = new Float32Array(nq * k);
    parts.forEach((p, t) => {
      neighbors.set(p.neighbors, starts[t]! * k);
      distances.set(p.distances, starts[t]! * k);
    });
    return { metric, k, queries: nq, neighbors, distances };
  } finally {
    bar?.stop();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function shared(a: Float32Array): Float32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = new Float32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/** An eval'd bootstrap imports the worker module through tsx's API, since a .ts entry cannot be loaded bare. */
function spawn(job: {
  train: Float32Array;
  test: Float32Array;
  dimension: number;
  k: number;
  metric: Metric;
}): Worker {
  const entry = new URL('./groundtruth-worker.ts', import.meta.url).href;
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const code = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
  return new Worker(code, { eval: true, workerData: job });
}
