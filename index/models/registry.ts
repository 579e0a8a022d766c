import { assertArg, DitherError, isDitherError } from '../../src/errors.js';
import { type Label, MAX_EXACT_ROWS, type Model, predict } from '../../src/krr/model.js';
import { deserializeModel, type SerializedModel } from '../../src/krr/serialize.js';
import { type ModelSpec, validateModelSpec } from '../../src/krr/spec.js';
import { checkVector } from '../../src/quantizer/vectors.js';
import type { Collection, ExtensionStore } from '../collection.js';
import type { PointId, VectorLike } from '../types.js';
import { readDataset } from './dataset.js';
import type { TrainingMetrics } from './metrics.js';
import { progressFraction, runTraining, type TrainingRun } from './trainer.js';

export type ModelStatus = 'training' | 'ready' | 'failed';

/** What a model reports: kept in the collection's 'models' extension, one key per model name. */
export interface ModelInfo {
  name: string;
  status: ModelStatus;
  /** 0 … 1; 1 once ready. */
  progress: number;
  spec: ModelSpec;
  created_at: string;
  trained_at?: string;
  error?: string;
  error_code?: string;
  metrics?: TrainingMetrics & { skipped: number };
}

export type PredictInput = { vectors: readonly VectorLike[] } | { ids: readonly PointId[] };

/** Most rows one predict call scores (more is BATCH_TOO_LARGE): exact KRR costs n_train·d per row. */
export const MAX_PREDICT_ROWS = 10_000;

/** Multiply–adds scored between two yields to the event loop while predicting (≈ 10 ms). */
const PREDICT_CHUNK_OPS = 1 << 24;

/** The message a model left 'training' by a stopped process carries when the collection is next opened. */
export const INTERRUPTED_MESSAGE =
  'training was interrupted: the process stopped before it finished; delete the model and train it again';

/** Models of one collection in this process. Obtain it with modelRegistry(collection). */
export class ModelRegistry {
  private readonly infos = new Map<string, ModelInfo>();
  private readonly models = new Map<string, Model>();
  private readonly runs = new Map<string, { run: TrainingRun; progress: number; settled: Promise<void> }>();
  /** Names whose training set is being read (not yet in `infos`): a second start is MODEL_EXISTS. */
  private readonly reserved = new Set<string>();
  private readonly meta: ExtensionStore;
  private readonly weights: ExtensionStore;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly collection: Collection) {
    // Status records and weights live apart, so opening and listing never decode weight arrays.
    this.meta = collection.extension('models');
    this.weights = collection.extension('model-weights');
  }

  /** @internal Loads the records; a 'training' record found now belongs to a process that stopped. */
  static async open(collection: Collection): Promise<ModelRegistry> {
    const r = new ModelRegistry(collection);
    const stale: ModelInfo[] = [];
    for await (const [name, info] of r.meta.entries<ModelInfo>()) {
      if (info.status === 'training') {
        const failed: ModelInfo = {
          ...info,
          status: 'failed',
          error: INTERRUPTED_MESSAGE,
          error_code: 'INTERNAL',
        };
        stale.push(failed);
        r.infos.set(name, failed);
      } else r.infos.set(name, info);
    }
    if (stale.length > 0) await r.meta.put(stale.map((info) => ({ key: info.name, value: info })));
    return r;
  }

  /** Validates the spec, reads the training set, records the model as training and starts the thread. */
  async startTraining(specInput: unknown, options: { seed?: number } = {}): Promise<ModelInfo> {
    const spec = validateModelSpec(specInput);
    const seed = options.seed ?? 0;
    assertArg(Number.isSafeInteger(seed), 'INVALID_ARGUMENT', 'seed must be an integer');
    const name = spec.name;
    if (this.infos.has(name) || this.reserved.has(name))
      throw new DitherError('MODEL_EXISTS', `model ${name} already exists in ${this.collection.name}`);
    this.reserved.add(name);
    let info: ModelInfo;
    let data: Awaited<ReturnType<typeof readDataset>>;
    try {
      data = await readDataset(this.collection, spec);
      checkTrainable(spec, data.rows, data.y);
      info = { name, status: 'training', progress: 0, spec, created_at: new Date().toISOString() };
      await this.serial(() => this.meta.put([{ key: name, value: info }]));
      this.infos.set(name, info);
    } finally {
      this.reserved.delete(name);
    }
    const skipped = data.skipped;
    const entry = { run: null as unknown as TrainingRun, progress: 0, settled: Promise.resolve() };
    entry.run = runTraining({ x: data.x, rows: data.rows, cols: data.cols, y: data.y, spec, seed }, (p) => {
      entry.progress = Math.max(entry.progress, progressFraction(p));
      // A dropped or closed collection stops its trainings at the next progress report.
      if (!isOpen(this.collection)) entry.run.cancel('the collection was closed while the model trained');
    });
    entry.settled = entry.run.done.then(
      ({ model, metrics }) => this.finish(name, entry, model, { ...metrics, skipped }),
      (err: unknown) => this.fail(name, entry, err),
    );
    this.runs.set(name, entry);
    return { ...info };
  }

  /** Resolves once the model's training has ended (at once when it is not training); MODEL_NOT_FOUND if deleted. */
  async settled(name: string): Promise<ModelInfo> {
    const entry = this.runs.get(name);
    if (entry !== undefined) await entry.settled;
    return this.get(name);
  }

  get(name: string): ModelInfo {
    const info = this.infos.get(name);
    if (info === undefined)
      throw new DitherError('MODEL_NOT_FOUND', `model ${String(name)} not found in ${this.collection.name}`);
    const entry = this.runs.get(name);
    return entry === undefined ? { ...info } : { ...info, progress: entry.progress };
  }

  list(): ModelInfo[] {
    return [...this.infos.keys()].sort().map((name) => this.get(name));
  }

  /** Deletes a model; one still training is cancelled (its thread is terminated). */
  async delete(name: string): Promise<void> {
    this.get(name);
    const entry = this.runs.get(name);
    this.runs.delete(name);
    this.infos.delete(name);
    this.models.delete(name);
    entry?.run.cancel('the model was deleted');
    await this.serial(async () => {
      await this.meta.delete([name]);
      await this.weights.delete([name]);
    });
  }

  /** Stops every training of this collection, recording each model as failed with `reason`. */
  async cancelAll(reason: string): Promise<void> {
    const entries = [...this.runs.values()];
    for (const e of entries) e.run.cancel(reason);
    await Promise.all(entries.map((e) => e.settled));
  }

  /** Predictions for vectors (of the collection's dimension; cosine collections normalise them as stored) or stored points. */
  async predict(name: string, input: PredictInput): Promise<number[] | Label[]> {
    const info = this.get(name);
    if (info.status !== 'ready')
      throw new DitherError(
        'MODEL_NOT_READY',
        info.status === 'training'
          ? `model ${name} is still training (progress ${info.progress.toFixed(2)})`
          : `model ${name} failed to train: ${info.error ?? 'unknown error'}`,
      );
    const x = await this.inputs(input);
    const model = await this.model(name);
    // Rows are scored in chunks of about PREDICT_CHUNK_OPS multiply–adds with a yield between them: one exact
    // model of 20 000 rows × 784 dims costs 1.6·10^7 per predicted row, so 10 000 rows at once would hold the
    // event loop for minutes.
    const perRow = model.map === null ? model.train!.length : model.map.count * (model.dim + model.outputs);
    const chunk = Math.max(1, Math.floor(PREDICT_CHUNK_OPS / perRow));
    if (x.rows <= chunk) return predict(model, x);
    const out: (number | Label)[] = [];
    for (let r = 0; r < x.rows; r += chunk) {
      const e = Math.min(x.rows, r + chunk);
      const part = predict(model, {
        data: x.data.subarray(r * x.cols, e * x.cols),
        rows: e - r,
        cols: x.cols,
      });
      for (const v of part) out.push(v);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return out as number[] | Label[];
  }

  private async inputs(input: PredictInput): Promise<{ data: Float64Array; rows: number; cols: number }> {
    assertArg(typeof input === 'object' && input !== null, 'INVALID_ARGUMENT', 'give { vectors } or { ids }');
    const hasVectors = 'vectors' in input && input.vectors !== undefined;
    const hasIds = 'ids' in input && input.ids !== undefined;
    assertArg(hasVectors !== hasIds, 'INVALID_ARGUMENT', 'give exactly one of vectors or ids');
    const d = this.collection.config.dimension;
    let rows: VectorLike[];
    if (hasVectors) {
      const vectors = (input as { vectors: readonly VectorLike[] }).vectors;
      assertArg(Array.isArray(vectors), 'INVALID_ARGUMENT', 'vectors must be an array');
      vectors.forEach((v, i) => {
        checkVector(v, d, `vectors[${i}]`);
      });
      rows = vectors as VectorLike[];
    } else {
      const ids = (input as { ids: readonly PointId[] }).ids;
      assertArg(Array.isArray(ids), 'INVALID_ARGUMENT', 'ids must be an array');
      assertArg(
        ids.length <= MAX_PREDICT_ROWS,
        'BATCH_TOO_LARGE',
        `at most ${MAX_PREDICT_ROWS} rows per call`,
      );
      const found = await this.collection.vectors([...ids]);
      rows = found.map((v, i) => {
        if (v === undefined) throw new DitherError('POINT_NOT_FOUND', `point ${String(ids[i])} not found`);
        return v;
      });
    }
    assertArg(
      rows.length <= MAX_PREDICT_ROWS,
      'BATCH_TOO_LARGE',
      `at most ${MAX_PREDICT_ROWS} rows per call`,
    );
    const data = new Float64Array(rows.length * d);
    const cosine = hasVectors && this.collection.config.metric === 'cosine';
    for (let r = 0; r < rows.length; r++) {
      const v = rows[r]!;
      let scale = 1;
      if (cosine) {
        // Cosine collections store unit vectors, so the model was trained on unit vectors (collection.ts).
        let s = 0;
        for (let k = 0; k < d; k++) s += (v[k] as number) ** 2;
        if (s > 0) scale = 1 / Math.sqrt(s);
      }
      for (let k = 0; k < d; k++) data[r * d + k] = (v[k] as number) * scale;
    }
    return { data, rows: rows.length, cols: d };
  }

  private async model(name: string): Promise<Model> {
    let m = this.models.get(name);
    if (m === undefined) {
      const stored = await this.weights.get<SerializedModel>(name);
      if (stored === undefined)
        throw new DitherError('CORRUPT_DATA', `model ${name} is ready but has no weights`);
      m = deserializeModel(stored);
      // A delete may have run during the read.
      if (this.infos.get(name)?.status === 'ready') this.models.set(name, m);
    }
    return m;
  }

  private finish(
    name: string,
    entry: unknown,
    model: SerializedModel,
    metrics: TrainingMetrics & { skipped: number },
  ): Promise<void> {
    return this.serial(async () => {
      const info = this.infos.get(name);
      // Deleted while the thread finished: nothing to record.
      if (this.runs.get(name) !== entry || info === undefined) return;
      const ready: ModelInfo = {
        ...info,
        status: 'ready',
        progress: 1,
        trained_at: new Date().toISOString(),
        metrics,
      };
      try {
        if (!isOpen(this.collection)) throw new DitherError('DATABASE_CLOSED', 'the collection was closed');
        // Weights first: a crash between the two writes leaves a 'training' record, reported failed on open.
        await this.weights.put([{ key: name, value: model }]);
        await this.meta.put([{ key: name, value: ready }]);
        this.infos.set(name, ready);
      } catch (err) {
        this.infos.set(name, failedInfo(info, err));
      }
      this.runs.delete(name);
    });
  }

  private fail(name: string, entry: unknown, err: unknown): Promise<void> {
    return this.serial(async () => {
      const info = this.infos.get(name);
      if (this.runs.get(name) !== entry || info === undefined) return;
      const failed = failedInfo(info, err, this.runs.get(name)?.progress ?? 0);
      this.infos.set(name, failed);
      this.runs.delete(name);
      if (isOpen(this.collection)) await this.meta.put([{ key: name, value: failed }]).catch(() => undefined);
    });
  }

  /** Record writes run one at a time, so a delete cannot interleave with a training's final writes. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function failedInfo(info: ModelInfo, err: unknown, progress = info.progress): ModelInfo {
  const out: ModelInfo = {
    ...info,
    status: 'failed',
    progress,
    error: err instanceof Error ? err.message : String(err),
    error_code: isDitherError(err) ? err.code : 'INTERNAL',
  };
  return out;
}

/** Checks made before a thread starts, so these mistakes are the request's 400, not a failed model. */
function checkTrainable(spec: ModelSpec, rows: number, y: Float64Array | Label[]): void {
  assertArg(rows >= 2, 'PAYLOAD_KEY_INVALID', `only ${rows} point carries payload key '${spec.target_key}'`);
  if (spec.features.type === 'exact')
    assertArg(
      rows <= MAX_EXACT_ROWS,
      'INVALID_ARGUMENT',
      `exact KRR is limited to ${MAX_EXACT_ROWS} rows, got ${rows}`,
    );
  if (spec.task === 'classification')
    assertArg(
      new Set(y as Label[]).size >= 2,
      'PAYLOAD_KEY_INVALID',
      `classification needs at least two distinct labels under '${spec.target_key}'`,
    );
}

/** Collection has no public "is open" flag; vectors([]) runs its open check synchronously and reads nothing. */
function isOpen(collection: Collection): boolean {
  try {
    void collection.vectors([]);
    return true;
  } catch {
    return false;
  }
}
