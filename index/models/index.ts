/**
 * Kernel ridge regression models over a collection (src/krr on the collection's vectors and payload targets):
 * trained on a worker thread, stored beside the collection, answered from memory. docs/regression.md,
 * "Models over collections and routes", describes the lifecycle, storage and costs.
 */
import type { Label } from '../../src/krr/model.js';
import type { Collection } from '../collection.js';
import type { Database } from '../database.js';
import { type ModelInfo, ModelRegistry, type PredictInput } from './registry.js';

export { METRIC_ROWS, type TrainingMetrics } from './metrics.js';
export {
  INTERRUPTED_MESSAGE,
  MAX_PREDICT_ROWS,
  type ModelInfo,
  ModelRegistry,
  type ModelStatus,
  type PredictInput,
} from './registry.js';
export { MAX_TRAINING_THREADS } from './trainer.js';

const registries = new WeakMap<Collection, Promise<ModelRegistry>>();

/** The collection's model registry, opened (records read, stale trainings marked failed) on first use. */
export function modelRegistry(collection: Collection): Promise<ModelRegistry> {
  let r = registries.get(collection);
  if (r === undefined) {
    r = ModelRegistry.open(collection);
    registries.set(collection, r);
    // A failed open (closed database) must not stick: the next call tries again.
    r.catch(() => registries.delete(collection));
  }
  return r;
}

/** Starts training; resolves with `{ status: 'training' }` once the record is stored and the thread runs. */
export async function startTraining(
  collection: Collection,
  spec: unknown,
  options: { seed?: number } = {},
): Promise<ModelInfo> {
  return (await modelRegistry(collection)).startTraining(spec, options);
}

export async function getModel(collection: Collection, name: string): Promise<ModelInfo> {
  return (await modelRegistry(collection)).get(name);
}

export async function listModels(collection: Collection): Promise<ModelInfo[]> {
  return (await modelRegistry(collection)).list();
}

/** Deletes a model, cancelling its training if it is still running. MODEL_NOT_FOUND if absent. */
export async function deleteModel(collection: Collection, name: string): Promise<void> {
  await (await modelRegistry(collection)).delete(name);
}

/** Resolves with the model's record once its training has ended (ready or failed). */
export async function modelSettled(collection: Collection, name: string): Promise<ModelInfo> {
  return (await modelRegistry(collection)).settled(name);
}

/** Numbers (regression) or the labels as stored in the payloads (classification), one per input row. */
export async function predictWith(
  collection: Collection,
  name: string,
  input: PredictInput,
): Promise<number[] | Label[]> {
  return (await modelRegistry(collection)).predict(name, input);
}

/** Cancels every training of the database's collections opened in this process (marked failed with `reason`). */
export async function cancelAllTraining(db: Database, reason: string): Promise<void> {
  const names = db.listCollections();
  await Promise.all(
    names.map(async (n) => {
      const r = registries.get(db.collection(n));
      if (r !== undefined) await (await r).cancelAll(reason);
    }),
  );
}
