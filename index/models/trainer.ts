import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DitherError, ERROR_CATALOGUE, type ErrorCode } from '../../src/errors.js';
import type { TrainProgress } from '../../src/krr/model.js';
import type { SerializedModel } from '../../src/krr/serialize.js';
import type { TrainingMetrics } from './metrics.js';
import type { TrainJob, TrainMessage } from './train-worker.js';

/**
 * Training runs on its own worker thread, never on the event loop. trainModel yields between chunks of rows,
 * but its Cholesky factorisation (D³/3 flops for D features, n³/3 for exact KRR) is one synchronous step:
 * D = 4096 is ≈ 2·10^10 flops, seconds during which a server on the same thread would answer nothing.
 * Cancellation terminates the thread, which stops even that step at once.
 */
export interface TrainingRun {
  /** Resolves with the model, or rejects with the training's DitherError (INTERNAL carrying the reason when cancelled). */
  readonly done: Promise<{ model: SerializedModel; metrics: TrainingMetrics }>;
  /** Stops the thread; `done` rejects with `reason`. */
  cancel(reason: string): void;
}

/** Spawns the worker: compiled train-worker.js beside this file, or the TypeScript source through tsx's hooks. */
function spawn(job: TrainJob): Worker {
  const transfer = [job.x.buffer as ArrayBuffer];
  const js = new URL('./train-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData: job, transferList: transfer });
  const ts = new URL('./train-worker.ts', import.meta.url).href;
  const api = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const boot = `import(${JSON.stringify(pathToFileURL(api).href)})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(ts)}); })`;
  return new Worker(boot, { eval: true, workerData: job, transferList: transfer, execArgv: [] });
}

/**
 * Training threads running at once in this process; further trainings wait (status 'training', progress 0).
 * Each thread is CPU-bound for its whole run, so more threads than cores would only slow every one of them and
 * the event loop too: half the cores, at least one.
 */
export const MAX_TRAINING_THREADS = Math.max(1, Math.floor(cpus().length / 2));

let busyThreads = 0;
const waiting: (() => void)[] = [];

function release(): void {
  const next = waiting.shift();
  if (next !== undefined) next();
  else busyThreads--;
}

/**
 * Starts training `job` on a new thread as soon as one of MAX_TRAINING_THREADS is free (job.x is transferred:
 * the caller must not use it afterwards).
 */
export function runTraining(job: TrainJob, onProgress: (p: TrainProgress) => void): TrainingRun {
  let worker: Worker | null = null;
  let settled = false;
  let cancelReason: string | null = null;
  let rejectDone: (err: unknown) => void = () => undefined;
  let queued: (() => void) | null = null;
  const done = new Promise<{ model: SerializedModel; metrics: TrainingMetrics }>((resolve, reject) => {
    rejectDone = reject;
    const start = () => {
      queued = null;
      if (settled) {
        release();
        return;
      }
      const w = spawn(job);
      worker = w;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
        void w.terminate();
        release();
      };
      w.on('message', (msg: TrainMessage) => {
        if (msg.type === 'progress') {
          if (!settled) onProgress({ phase: msg.phase, done: msg.done, total: msg.total });
        } else if (msg.type === 'done') finish(() => resolve({ model: msg.model, metrics: msg.metrics }));
        else {
          const code: ErrorCode =
            msg.code !== null && msg.code in ERROR_CATALOGUE ? (msg.code as ErrorCode) : 'INTERNAL';
          finish(() => reject(new DitherError(code, msg.message)));
        }
      });
      w.on('error', (err) =>
        finish(() =>
          reject(new DitherError('INTERNAL', `training thread failed: ${err.message}`, { cause: err })),
        ),
      );
      w.on('exit', (exitCode) =>
        finish(() =>
          reject(
            new DitherError(
              'INTERNAL',
              cancelReason ?? `training thread exited (code ${exitCode}) before it finished`,
            ),
          ),
        ),
      );
    };
    if (busyThreads < MAX_TRAINING_THREADS) {
      busyThreads++;
      start();
    } else {
      queued = start;
      waiting.push(start);
    }
  });
  return {
    done,
    cancel(reason: string) {
      if (settled) return;
      cancelReason = reason;
      if (worker !== null) {
        void (worker as Worker).terminate();
        return;
      }
      // Still waiting for a thread: leave the queue and settle now.
      settled = true;
      const i = queued === null ? -1 : waiting.indexOf(queued);
      if (i >= 0) waiting.splice(i, 1);
      rejectDone(new DitherError('INTERNAL', reason));
    },
  };
}

/**
 * One progress figure in [0, 1] from trainModel's phases: building features (or the kernel matrix) is most
 * of the work, k-fold λ selection the rest, the final solve a last step. Callers keep the maximum, since a
 * leverage_rff 'auto' run passes through the feature phase twice.
 */
export function progressFraction(p: TrainProgress): number {
  const f = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  if (p.phase === 'features') return 0.7 * f;
  if (p.phase === 'validate') return 0.7 + 0.25 * f;
  return 0.95 + 0.04 * f;
}
