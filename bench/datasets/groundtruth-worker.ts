import { parentPort, workerData } from 'node:worker_threads';
import type { Metric } from './dataset.js';
import { computeGroundTruth } from './groundtruth.js';

/** One share of the queries of `computeGroundTruthParallel`; train and test arrive as SharedArrayBuffer views. */
interface Job {
  train: Float32Array;
  test: Float32Array;
  dimension: number;
  k: number;
  metric: Metric;
}

const job = workerData as Job;
const port = parentPort!;
const gt = computeGroundTruth(job.train, job.test, job.dimension, job.k, job.metric, {
  quiet: true,
  onProgress: (fraction) => port.postMessage({ type: 'progress', fraction }),
});
// The result arrays are fresh, unshared buffers: transfer them rather than copy.
port.postMessage({ type: 'done', neighbors: gt.neighbors, distances: gt.distances }, [
  gt.neighbors.buffer as ArrayBuffer,
  gt.distances.buffer as ArrayBuffer,
]);
