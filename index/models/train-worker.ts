// Worker-thread side of model training: trains one model with the pure trainModel (src/krr) and posts back
// progress, then the serialized model (typed arrays cross the thread boundary by structured clone).
import { parentPort, workerData } from 'node:worker_threads';
import { isDitherError } from '../../src/errors.js';
import type { Label } from '../../src/krr/model.js';
import { trainModel } from '../../src/krr/model.js';
import { serializeModel } from '../../src/krr/serialize.js';
import type { ModelSpec } from '../../src/krr/spec.js';
import { type TrainingMetrics, trainingMetrics } from './metrics.js';

export interface TrainJob {
  x: Float32Array;
  rows: number;
  cols: number;
  y: Float64Array | Label[];
  spec: ModelSpec;
  seed: number;
}

export type TrainMessage =
  | { type: 'progress'; phase: 'features' | 'validate' | 'solve'; done: number; total: number }
  | { type: 'done'; model: ReturnType<typeof serializeModel>; metrics: TrainingMetrics }
  | { type: 'error'; code: string | null; message: string };

const job = workerData as TrainJob;
const port = parentPort!;
// Progress messages are throttled: a chunk of 256 rows can take well under a millisecond.
let lastPost = 0;
const started = performance.now();
trainModel({ data: job.x, rows: job.rows, cols: job.cols }, job.y, job.spec, {
  seed: job.seed,
  onProgress: (p) => {
    const now = performance.now();
    if (now - lastPost < 20 && p.done < p.total) return;
    lastPost = now;
    port.postMessage({ type: 'progress', ...p } satisfies TrainMessage);
  },
})
  .then((model) => {
    const metrics = trainingMetrics(model, job, (performance.now() - started) / 1000);
    port.postMessage({ type: 'done', model: serializeModel(model), metrics } satisfies TrainMessage);
  })
  .catch((err: unknown) => {
    port.postMessage({
      type: 'error',
      code: isDitherError(err) ? err.code : null,
      message: err instanceof Error ? err.message : String(err),
    } satisfies TrainMessage);
  });
