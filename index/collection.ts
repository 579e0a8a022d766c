import { assertArg, DitherError } from '../src/errors.js';
import {
  compileFilter,
  compilePayloadSelector,
  normalizePointId,
  type PointPredicate,
  parseFilter,
} from '../src/filter/index.js';
import { clusterMeans, kmeans } from '../src/kmeans.js';
import { createQuantizer, type Quantizer } from '../src/quantizer/index.js';
import { checkVector } from '../src/quantizer/vectors.js';
import { Rng } from '../src/rng.js';
import { fromFloat16Bits, toFloat16Bits } from '../storage/codec.js';
import {
  centroidsKey,
  extensionPrefix,
  idFromKey,
  idKey,
  manifestKey,
  pointPrefix,
  vectorPrefix,
} from '../storage/keys.js';
import type { BatchOp, Store } from '../storage/store.js';
import { CoarseIndex, Sketch } from './coarse.js';
import { FORMAT_VERSION } from './config.js';
import type {
  AttentionAnswer,
  AttentionRequest,
  KernelDensityAnswer,
  KernelDensityRequest,
  KernelMatVecAnswer,
  KernelMatVecRequest,
} from './kernels/operations.js';
import { InvertedList } from './lists.js';
import type { ModelInfo, PredictInput } from './models/index.js';
import { latticeMse } from './mse.js';
import { type Candidate, exactKey, rerank, scanLists } from './search.js';
import type {
  CollectionConfig,
  CollectionStats,
  Payload,
  PointId,
  PointInput,
  PointRecord,
  PointSelector,
  QuantizationInfo,
  ReadOptions,
  ScoredPoint,
  ScrollOptions,
  ScrollResult,
  SearchOptions,
  VectorLike,
} from './types.js';

/** What LevelDB holds per point (besides the original under its own key). */
interface StoredPoint {
  p?: Payload;
  /** Control variate (residual codes only). */
  t?: number;
  l: number;
  c: Uint8Array;
  s: number;
  u: number;
  n: number;
}

export interface Manifest {
  formatVersion: number;
  config: CollectionConfig;
  createdAt: string;
  /** Null while the collection is scanned flat. */
  ivf: { generation: number; nlist: number; trainedCount: number; trainedAt: string } | null;
}

/**
 * What a write changed, delivered to `onChange` listeners after the LevelDB batch is durable and memory is
 * updated (kernel coresets, models and graphs keep themselves current from these). Vectors are as stored:
 * unit-normalised for cosine collections.
 */
export interface CollectionChange {
  upserted: { id: PointId; vector: Float32Array; payload: Payload | undefined }[];
  deleted: PointId[];
  payloadChanged: { id: PointId; payload: Payload | undefined }[];
}

/** A module's own keys beside its collection (under `c\0<name>\0x\0<module>\0`), dropped with it. */
export interface ExtensionStore {
  get<T>(key: string): Promise<T | undefined>;
  put(entries: { key: string; value: unknown }[]): Promise<void>;
  delete(keys: string[]): Promise<void>;
  entries<T>(): AsyncGenerator<[string, T]>;
}

/** The in-memory index: swapped as a whole when training finishes. */
interface IndexState {
  lists: InvertedList[];
  centroids: Float32Array | null;
  /** R·c per list (length n each) and ‖c‖², for the control variate and its standard error. */
  rotatedCentroids: Float64Array[];
  centroidSquaredNorms: Float64Array | null;
  coarse: CoarseIndex | null;
  location: Map<PointId, { list: number; slot: number }>;
  ivf: Manifest['ivf'];
}

const MAX_K = 10_000;

/**
 * A collection: validated public methods that serialise writes through one queue, over an in-memory IVF index
 * of codes rebuilt from LevelDB on open. Every write is one LevelDB batch, applied to memory only after the batch
 * is durable, in one synchronous step — so a search (whose scan is synchronous) sees whole batches or nothing.
 */
export class Collection {
  readonly quantizer: Quantizer;
  private state: IndexState;
  private writeQueue: Promise<unknown> = Promise.resolve();
  private trainingRun: Promise<void> | null = null;
  /** Ids written while a training pass runs: re-encoded under the new centroids before the swap. */
  private dirty: Set<PointId> | null = null;
  private closed = false;
  private mseCache: number | undefined;
  private readonly listeners = new Set<(change: CollectionChange) => void>();

  private constructor(
    private readonly store: Store,
    readonly config: CollectionConfig,
    private manifest: Manifest,
  ) {
    this.quantizer = createQuantizer({
      dimension: config.dimension,
      bits: config.bits,
      kind: config.kind,
      seed: config.seed,
      rotation: config.rotation,
      rounds: config.rounds,
    });
    this.state = emptyState(this.quantizer.bytesPerCode);
  }

  get name(): string {
    return this.config.name;
  }

  /** @internal Creates a new collection's manifest. */
  static async create(store: Store, config: CollectionConfig): Promise<Collection> {
    const manifest: Manifest = {
      formatVersion: FORMAT_VERSION,
      config,
      createdAt: new Date().toISOString(),
      ivf: null,
    };
    await store.batch([{ type: 'put', key: manifestKey(config.name), value: manifest }]);
    return new Collection(store, config, manifest);
  }

  /** @internal Restores a collection from its manifest and points. */
  static async load(store: Store, manifest: Manifest): Promise<Collection> {
    if (manifest.formatVersion !== FORMAT_VERSION)
      throw new DitherError(
        'UNSUPPORTED_FORMAT_VERSION',
        `collection ${manifest.config.name} has format ${manifest.formatVersion}`,
      );
    const c = new Collection(store, manifest.config, manifest);
    const B = c.quantizer.bytesPerCode;
    const state = emptyState(B);
    if (manifest.ivf !== null) {
      const centroids = await store.get<Float32Array>(centroidsKey(c.name));
      if (
        !(centroids instanceof Float32Array) ||
        centroids.length !== manifest.ivf.nlist * c.config.dimension
      )
        throw new DitherError('CORRUPT_DATA', `centroids of ${c.name} are missing or malformed`);
      c.installCentroids(state, centroids, manifest.ivf);
    }
    for await (const [key, point] of store.entries<StoredPoint>(pointPrefix(c.name))) {
      const id = idFromKey(key.slice(pointPrefix(c.name).length));
      const list = state.lists[point.l];
      if (list === undefined || !(point.c instanceof Uint8Array) || point.c.length !== B)
        throw new DitherError('CORRUPT_DATA', `point ${String(id)} of ${c.name} is malformed`);
      const slot = list.push(id, point.p, point.c, point.s, point.u, point.n, point.t ?? 0);
      state.location.set(id, { list: point.l, slot });
    }
    c.state = state;
    return c;
  }

  // ---- writes -------------------------------------------------------------------------------------------

  async upsert(points: PointInput[]): Promise<void> {
    this.checkOpen();
    assertArg(Array.isArray(points), 'INVALID_ARGUMENT', 'points must be an array');
    const latest = new Map<PointId, { vector: Float32Array; payload: Payload | undefined }>();
    points.forEach((p, i) => {
      assertArg(p !== null && typeof p === 'object', 'INVALID_ARGUMENT', `points[${i}] must be an object`);
      for (const key of Object.keys(p))
        assertArg(
          key === 'id' || key === 'vector' || key === 'payload',
          'INVALID_ARGUMENT',
          `points[${i}]: unknown key "${key}"`,
        );
      const id = normalizePointId(p.id, `points[${i}].id`);
      checkVector(p.vector, this.config.dimension, `points[${i}].vector`);
      const payload = p.payload ?? undefined;
      if (payload !== undefined) checkPayload(payload, `points[${i}].payload`);
      latest.set(id, { vector: this.normalise(p.vector), payload });
    });
    await this.exclusive(async () => {
      const state = this.state;
      const ops: BatchOp[] = [];
      const encoded: { id: PointId; record: StoredPoint }[] = [];
      for (const [id, { vector, payload }] of latest) {
        const record = this.encodePoint(state, vector, payload);
        encoded.push({ id, record });
        ops.push({ type: 'put', key: pointPrefix(this.name) + idKey(id), value: record });
        if (this.config.storeVectors !== 'none')
          ops.push({
            type: 'put',
            key: vectorPrefix(this.name) + idKey(id),
            value: this.storedVector(vector),
          });
      }
      await this.store.batch(ops);
      for (const { id, record } of encoded) {
        removeFrom(state, id);
        const slot = state.lists[record.l]!.push(
          id,
          record.p,
          record.c,
          record.s,
          record.u,
          record.n,
          record.t ?? 0,
        );
        state.location.set(id, { list: record.l, slot });
        this.dirty?.add(id);
      }
      this.emit({
        upserted: [...latest].map(([id, { vector, payload }]) => ({ id, vector, payload })),
        deleted: [],
        payloadChanged: [],
      });
    });
    this.maybeTrain();
  }

  async delete(selector: PointSelector): Promise<number> {
    this.checkOpen();
    const resolve = this.selector(selector);
    return this.exclusive(async () => {
      const ids = resolve().filter((id) => this.state.location.has(id));
      const ops: BatchOp[] = [];
      for (const id of ids) {
        ops.push({ type: 'del', key: pointPrefix(this.name) + idKey(id) });
        ops.push({ type: 'del', key: vectorPrefix(this.name) + idKey(id) });
      }
      await this.store.batch(ops);
      for (const id of ids) {
        removeFrom(this.state, id);
        this.dirty?.add(id);
      }
      if (ids.length > 0) this.emit({ upserted: [], deleted: ids, payloadChanged: [] });
      return ids.length;
    });
  }

  /** Qdrant's set_payload: merges keys into the payload (at `key`, a dotted path, when given). */
  async setPayload(selector: PointSelector, payload: Payload, options: { key?: string } = {}): Promise<void> {
    checkPayload(payload, 'payload');
    const key = options.key;
    if (key !== undefined)
      assertArg(
        typeof key === 'string' && key.length > 0,
        'INVALID_ARGUMENT',
        'key must be a non-empty string',
      );
    return this.rewritePayloads(selector, (old) => {
      const next = structuredClone(old ?? {});
      if (key === undefined) return Object.assign(next, structuredClone(payload));
      let node: Record<string, unknown> = next;
      for (const part of key.split('.')) {
        const child = node[part];
        if (child === null || typeof child !== 'object' || Array.isArray(child)) node[part] = {};
        node = node[part] as Record<string, unknown>;
      }
      Object.assign(node, structuredClone(payload));
      return next;
    });
  }

  async overwritePayload(selector: PointSelector, payload: Payload): Promise<void> {
    checkPayload(payload, 'payload');
    return this.rewritePayloads(selector, () => structuredClone(payload));
  }

  async deletePayload(selector: PointSelector, keys: string[]): Promise<void> {
    assertArg(
      Array.isArray(keys) && keys.every((k) => typeof k === 'string'),
      'INVALID_ARGUMENT',
      'keys must be an array of strings',
    );
    return this.rewritePayloads(selector, (old) => {
      if (old === undefined) return undefined;
      const next = structuredClone(old);
      for (const key of keys) deletePath(next, key.split('.'));
      return next;
    });
  }

  async clearPayload(selector: PointSelector): Promise<void> {
    return this.rewritePayloads(selector, () => undefined);
  }

  // ---- reads --------------------------------------------------------------------------------------------

  async get(ids: PointId[], options: ReadOptions = {}): Promise<PointRecord[]> {
    this.checkOpen();
    assertArg(Array.isArray(ids), 'INVALID_ARGUMENT', 'ids must be an array');
    const normalised = ids.map((id, i) => normalizePointId(id, `ids[${i}]`));
    const select = compilePayloadSelector(options.withPayload ?? true);
    const found = normalised.filter((id, i) => this.state.location.has(id) && normalised.indexOf(id) === i);
    const vectors = options.withVector ? await this.readVectors(found) : [];
    return found.map((id, i) =>
      this.record(id, this.payloadOf(id), select, options.withVector ? vectors[i] : undefined),
    );
  }

  async count(filter?: unknown): Promise<number> {
    this.checkOpen();
    const predicate = filter === undefined || filter === null ? null : compileFilter(parseFilter(filter));
    if (predicate === null) return this.state.location.size;
    let n = 0;
    for (const list of this.state.lists)
      for (let s = 0; s < list.size; s++) if (predicate(list.ids[s]!, list.payloads[s])) n++;
    return n;
  }

  async scroll(options: ScrollOptions = {}): Promise<ScrollResult> {
    this.checkOpen();
    const limit = options.limit ?? 10;
    assertArg(
      Number.isInteger(limit) && limit >= 1 && limit <= MAX_K,
      'INVALID_ARGUMENT',
      `limit must be an integer from 1 to ${MAX_K}`,
    );
    const predicate =
      options.filter === undefined || options.filter === null
        ? null
        : compileFilter(parseFilter(options.filter));
    const select = compilePayloadSelector(options.withPayload ?? true);
    const prefix = pointPrefix(this.name);
    const gte =
      options.offset === undefined || options.offset === null
        ? prefix
        : prefix + idKey(normalizePointId(options.offset, 'offset'));
    const ids: PointId[] = [];
    const payloads: (Payload | undefined)[] = [];
    let nextOffset: PointId | null = null;
    for await (const [key, point] of this.store.entries<StoredPoint>(prefix, { gte })) {
      const id = idFromKey(key.slice(prefix.length));
      if (predicate !== null && !predicate(id, point.p)) continue;
      if (ids.length === limit) {
        nextOffset = id;
        break;
      }
      ids.push(id);
      payloads.push(point.p);
    }
    const vectors = options.withVector ? await this.readVectors(ids) : [];
    return {
      points: ids.map((id, i) =>
        this.record(id, payloads[i], select, options.withVector ? vectors[i] : undefined),
      ),
      nextOffset,
    };
  }

  async search(vector: VectorLike, options: SearchOptions = {}): Promise<ScoredPoint[]> {
    this.checkOpen();
    checkVector(vector, this.config.dimension, 'query');
    const cfg = this.config.index;
    const k = options.k ?? 10;
    assertArg(
      Number.isInteger(k) && k >= 1 && k <= MAX_K,
      'INVALID_ARGUMENT',
      `k must be an integer from 1 to ${MAX_K}`,
    );
    const offset = options.offset ?? 0;
    assertArg(
      Number.isInteger(offset) && offset >= 0,
      'INVALID_ARGUMENT',
      'offset must be a non-negative integer',
    );
    const nprobe = options.nprobe ?? cfg.nprobe;
    assertArg(
      Number.isInteger(nprobe) && nprobe >= 1,
      'INVALID_ARGUMENT',
      'nprobe must be a positive integer',
    );
    const oversampling = options.oversampling ?? cfg.oversampling;
    assertArg(
      typeof oversampling === 'number' && oversampling >= 1 && Number.isFinite(oversampling),
      'INVALID_ARGUMENT',
      'oversampling must be ≥ 1',
    );
    const canRerank = this.config.storeVectors !== 'none';
    const doRerank = (options.rerank ?? cfg.rerank) && canRerank;
    const threshold = options.scoreThreshold;
    assertArg(
      threshold === undefined || Number.isFinite(threshold),
      'INVALID_ARGUMENT',
      'scoreThreshold must be a finite number',
    );
    const predicate: PointPredicate | null =
      options.filter === undefined || options.filter === null
        ? null
        : compileFilter(parseFilter(options.filter));
    const select = compilePayloadSelector(options.withPayload ?? false);

    const query = Float64Array.from(this.normalise(vector));
    const state = this.state;
    const prepared = this.quantizer.prepareQuery(query);
    const need = k + offset;
    const capacity = doRerank ? Math.ceil(need * oversampling) : need;
    const order = this.probeOrder(state, query, nprobe, predicate !== null);
    const { candidates } = scanLists({
      quantizer: this.quantizer,
      prepared,
      query,
      metric: this.config.metric,
      lists: state.lists,
      centroids: state.centroids,
      centroidSquaredNorms: state.centroidSquaredNorms,
      order,
      predicate,
      capacity,
      minMatches: predicate === null ? 0 : need,
      minLists: Math.min(nprobe, order.length),
    });
    let ranked: Candidate[] = candidates;
    if (doRerank) {
      ranked = rerank(candidates, need, cfg.confidence, this.config.metric, query, (id) =>
        this.readVectorSync(id),
      ).results;
    }
    const page = ranked.slice(offset, need);
    const metric = this.config.metric;
    const scored = page
      .map((c) => ({ c, score: metric === 'l2' ? Math.sqrt(Math.max(0, -c.key)) : c.key }))
      .filter(
        ({ score }) => threshold === undefined || (metric === 'l2' ? score <= threshold : score >= threshold),
      );
    const vectors = options.withVector ? await this.readVectors(scored.map(({ c }) => c.id)) : [];
    return scored.map(({ c, score }, i) => ({
      ...this.record(c.id, c.payload, select, options.withVector ? vectors[i] : undefined),
      score,
    }));
  }

  stats(): CollectionStats {
    const q = this.quantizer;
    return {
      points: this.state.location.size,
      lists: this.state.lists.length,
      trained: this.state.ivf !== null,
      training: this.trainingRun !== null,
      ramBytesPerPoint: this.ramBytesPerPoint(),
      bitsPerDimension: q.bitsPerDimension,
      bytesPerCode: q.bytesPerCode,
    };
  }

  quantizationInfo(): QuantizationInfo {
    this.mseCache ??= latticeMse(this.quantizer.lattice);
    return {
      bits: this.config.bits,
      kind: this.config.kind,
      rotation: this.config.rotation,
      rounds: this.config.rounds,
      bitsPerDimension: this.quantizer.bitsPerDimension,
      ramBytesPerPoint: this.ramBytesPerPoint(),
      mseEstimate: this.mseCache,
    };
  }

  // ---- kernel queries and models (index/kernels, index/models), as methods of the collection ----------------
  // Loaded on first use: those modules build on this class, so a static import would be a cycle.

  /** F(q) = (1/n) Σ_j w_j k(q, x_j) per query, with error estimates and points touched (docs/kernels.md). */
  async kernelDensity(request: KernelDensityRequest): Promise<KernelDensityAnswer> {
    return (await import('./kernels/index.js')).kernelDensityOf(this, request);
  }

  /** Softmax attention over the collection with payload values (docs/kernels.md). */
  async attention(request: AttentionRequest): Promise<AttentionAnswer> {
    return (await import('./kernels/index.js')).attentionOf(this, request);
  }

  /** y = K w for a batch of queries, to ε‖w‖ (docs/kernels.md). */
  async kernelMatVec(request: KernelMatVecRequest): Promise<KernelMatVecAnswer> {
    return (await import('./kernels/index.js')).kernelMatVecOf(this, request);
  }

  /** Starts training a kernel ridge model on this collection; returns at once with status 'training'. */
  async createModel(spec: unknown, options: { seed?: number } = {}): Promise<ModelInfo> {
    return (await import('./models/index.js')).startTraining(this, spec, options);
  }

  async getModel(name: string): Promise<ModelInfo> {
    return (await import('./models/index.js')).getModel(this, name);
  }

  async listModels(): Promise<ModelInfo[]> {
    return (await import('./models/index.js')).listModels(this);
  }

  async deleteModel(name: string): Promise<void> {
    return (await import('./models/index.js')).deleteModel(this, name);
  }

  /** Predictions of a ready model for `{ vectors }` or `{ ids }`: numbers, or labels as stored. */
  async predict(name: string, input: PredictInput): Promise<number[] | (string | number)[]> {
    return (await import('./models/index.js')).predictWith(this, name, input);
  }

  // ---- extension points for other modules ---------------------------------------------------------------

  /** Subscribes to applied writes; returns the unsubscribe function. Listeners run synchronously: keep them cheap. */
  onChange(listener: (change: CollectionChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A key-value area of `module`'s own beside this collection; its writes are atomic batches too. */
  extension(module: string): ExtensionStore {
    assertArg(/^[a-z][a-z0-9-]{0,63}$/.test(module), 'INVALID_ARGUMENT', 'module names are lowercase words');
    const prefix = extensionPrefix(this.name, module);
    const store = this.store;
    return {
      get: <T>(key: string) => store.get<T>(prefix + key),
      put: (entries) =>
        store.batch(entries.map(({ key, value }) => ({ type: 'put', key: prefix + key, value }))),
      delete: (keys) => store.batch(keys.map((key) => ({ type: 'del', key: prefix + key }))),
      entries: async function* <T>() {
        for await (const [key, value] of store.entries<T>(prefix))
          yield [key.slice(prefix.length), value] as [string, T];
      },
    };
  }

  /**
   * Every point with its payload and vector (the stored original, or the decoded code when none are stored),
   * in id order, read from LevelDB in chunks: for modules that need a pass over the whole collection.
   */
  async *points(): AsyncGenerator<{ id: PointId; payload: Payload | undefined; vector: Float32Array }> {
    this.checkOpen();
    const prefix = pointPrefix(this.name);
    let chunk: { id: PointId; payload: Payload | undefined }[] = [];
    const flush = async () => {
      const vectors = await this.readVectors(chunk.map((p) => p.id));
      const out = chunk.map((p, i) => ({ ...p, vector: vectors[i] }));
      chunk = [];
      return out.filter(
        (p): p is { id: PointId; payload: Payload | undefined; vector: Float32Array } =>
          p.vector !== undefined,
      );
    };
    for await (const [key, point] of this.store.entries<StoredPoint>(prefix)) {
      chunk.push({ id: idFromKey(key.slice(prefix.length)), payload: point.p });
      if (chunk.length === 1024) yield* await flush();
    }
    if (chunk.length > 0) yield* await flush();
  }

  /** The current payload of a point, or undefined (missing point or no payload). */
  payload(id: PointId): Payload | undefined {
    return this.payloadOf(normalizePointId(id));
  }

  /** Stored vectors (originals, or decoded codes when none are stored) of the given ids; undefined when missing. */
  vectors(ids: PointId[]): Promise<(Float32Array | undefined)[]> {
    this.checkOpen();
    return this.readVectors(ids.map((id, i) => normalizePointId(id, `ids[${i}]`)));
  }

  private emit(change: CollectionChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A listener's failure must not undo or fail a write that is already durable.
      }
    }
  }

  // ---- training -----------------------------------------------------------------------------------------

  /** Resolves when no training pass is running (tests and benchmarks wait on it). */
  async whenIndexed(): Promise<void> {
    while (this.trainingRun !== null) await this.trainingRun;
  }

  /**
   * Trains IVF now (k-means on a sample, coarse HNSW, every point re-encoded as a residual) and waits for it.
   * Searches keep using the previous index until the final swap; writes made meanwhile are re-encoded before it.
   */
  async train(): Promise<void> {
    this.checkOpen();
    await this.whenIndexed();
    if (this.config.storeVectors === 'none')
      throw new DitherError(
        'INVALID_ARGUMENT',
        'IVF training re-encodes from stored originals; this collection stores none',
      );
    this.trainingRun = this.runTraining().finally(() => {
      this.trainingRun = null;
      this.dirty = null;
    });
    await this.trainingRun;
  }

  private maybeTrain(): void {
    if (this.trainingRun !== null || this.closed || this.config.storeVectors === 'none') return;
    const n = this.state.location.size;
    const ivf = this.state.ivf;
    const due = ivf === null ? n >= this.config.index.flatThreshold : n >= 4 * ivf.trainedCount;
    if (!due) return;
    this.train().catch(() => {
      // A failed background pass leaves the previous index in place; the next write retries.
    });
  }

  private async runTraining(): Promise<void> {
    this.dirty = new Set();
    const d = this.config.dimension;
    const n = this.state.location.size;
    const nlist = Math.max(1, Math.min(n, Math.round(4 * Math.sqrt(n))));
    // k-means cost is sample × iterations × (one coarse-HNSW lookup): ~10 points per list and 5 Lloyd steps
    // give lists as balanced as larger samples did on Fashion-MNIST, at a quarter of the cost.
    const sampleSize = Math.min(n, Math.max(nlist * 10, 4096));
    // Reservoir sample of the originals, read in key order.
    const rng = new Rng(this.config.seed, 0x5452);
    const sample = new Float32Array(sampleSize * d);
    let seen = 0;
    for await (const [, stored] of this.store.entries<Float32Array | Uint16Array>(vectorPrefix(this.name))) {
      const v = this.loadedVector(stored);
      const slot = seen < sampleSize ? seen : rng.int(seen + 1);
      if (slot < sampleSize) sample.set(v, slot * d);
      seen++;
      if (this.closed) return;
    }
    const count = Math.min(seen, sampleSize);
    const hnsw = {
      m: this.config.index.m,
      efConstruction: this.config.index.efConstruction,
      seed: this.config.seed,
    };
    // Lloyd's iterations run on the 64-d sketches of the sample (see coarse.ts): the clustering, not the final
    // centroids, is what they decide. The centroids are then the full-dimensional means of each cluster.
    const sketch = new Sketch(d, this.config.seed);
    const sd = sketch.outputDimension;
    const sketched = new Float32Array(count * sd);
    for (let i = 0; i < count; i++) sketch.into(sample.subarray(i * d, (i + 1) * d), sketched, i * sd);
    const { assignment } = await kmeans(sketched, count, sd, Math.min(nlist, count), {
      iterations: 5,
      seed: this.config.seed,
      assign: (cents, k, data, rows, dim, out) =>
        new CoarseIndex(cents, k, dim, 'l2', { ...hnsw, efConstruction: 64 }).assign(data, rows, out),
      onIteration: () => new Promise((r) => setImmediate(r)),
    });
    const centroids = fullMeans(sample, count, d, assignment, Math.min(nlist, count));
    if (this.closed) return;
    const k = centroids.length / d;
    const generation = (this.state.ivf?.generation ?? 0) + 1;
    const next = emptyState(this.quantizer.bytesPerCode);
    this.installCentroids(next, centroids, {
      generation,
      nlist: k,
      trainedCount: n,
      trainedAt: new Date().toISOString(),
    });
    // Re-encode every stored original under the new centroids, yielding to the event loop between chunks.
    let done = 0;
    for await (const [key, stored] of this.store.entries<Float32Array | Uint16Array>(
      vectorPrefix(this.name),
    )) {
      const id = idFromKey(key.slice(vectorPrefix(this.name).length));
      if (this.dirty.has(id) || !this.state.location.has(id)) continue;
      this.insertEncoded(next, id, this.payloadOf(id), this.loadedVector(stored));
      if (++done % 2048 === 0) await new Promise((r) => setImmediate(r));
      if (this.closed) return;
    }
    await this.exclusive(async () => {
      // Points written during the pass: encode their current state into the new index.
      const dirty = [...(this.dirty ?? [])].filter((id) => this.state.location.has(id));
      const fresh = await this.readVectors(dirty);
      dirty.forEach((id, i) => {
        const v = fresh[i];
        if (v !== undefined) this.insertEncoded(next, id, this.payloadOf(id), v);
      });
      const ops: BatchOp[] = [
        { type: 'put', key: centroidsKey(this.name), value: centroids },
        { type: 'put', key: manifestKey(this.name), value: { ...this.manifest, ivf: next.ivf } },
      ];
      next.lists.forEach((list, l) => {
        for (let s = 0; s < list.size; s++)
          ops.push({
            type: 'put',
            key: pointPrefix(this.name) + idKey(list.ids[s]!),
            value: listRecord(list, l, s),
          });
      });
      if (this.closed) return;
      await this.store.batch(ops);
      this.manifest = { ...this.manifest, ivf: next.ivf };
      this.state = next;
    });
  }

  private installCentroids(
    state: IndexState,
    centroids: Float32Array,
    ivf: NonNullable<Manifest['ivf']>,
  ): void {
    const d = this.config.dimension;
    state.centroids = centroids;
    state.lists = Array.from({ length: ivf.nlist }, () => new InvertedList(this.quantizer.bytesPerCode));
    state.centroidSquaredNorms = new Float64Array(ivf.nlist);
    state.rotatedCentroids = [];
    for (let l = 0; l < ivf.nlist; l++) {
      const c = centroids.subarray(l * d, (l + 1) * d);
      const rc = new Float64Array(this.quantizer.paddedDimension);
      this.quantizer.rotation.apply(c, rc);
      state.rotatedCentroids.push(rc);
      let cc = 0;
      for (let j = 0; j < d; j++) cc += c[j]! * c[j]!;
      state.centroidSquaredNorms[l] = cc;
    }
    state.coarse = new CoarseIndex(centroids, ivf.nlist, d, this.config.metric === 'dot' ? 'ip' : 'l2', {
      m: this.config.index.m,
      efConstruction: this.config.index.efConstruction,
      seed: this.config.seed,
    });
    state.ivf = ivf;
  }

  // ---- internals ----------------------------------------------------------------------------------------

  /** @internal Called by Database.close / dropCollection. */
  async shutdown(): Promise<void> {
    this.closed = true;
    await this.trainingRun?.catch(() => undefined);
    await this.writeQueue.catch(() => undefined);
  }

  private checkOpen(): void {
    if (this.closed || !this.store.isOpen)
      throw new DitherError('DATABASE_CLOSED', `collection ${this.name} is closed`);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writeQueue.then(() => {
      this.checkOpen();
      return fn();
    });
    this.writeQueue = run.catch(() => undefined);
    return run;
  }

  /** Cosine collections store unit vectors (as Qdrant does): cosine is then the inner product. */
  private normalise(vector: VectorLike): Float32Array {
    const v = Float32Array.from(vector);
    if (this.config.metric !== 'cosine') return v;
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let i = 0; i < v.length; i++) v[i] = v[i]! * inv;
    }
    return v;
  }

  private probeOrder(state: IndexState, query: Float64Array, nprobe: number, filtered: boolean): number[] {
    if (state.coarse === null) return [0];
    // A filtered search may need every list to find k matches; the full order is only computed then.
    return state.coarse.nearest(query, filtered ? state.lists.length : nprobe);
  }

  private encodePoint(state: IndexState, vector: Float32Array, payload: Payload | undefined): StoredPoint {
    const d = this.config.dimension;
    let list = 0;
    let center: Float32Array | null = null;
    if (state.coarse !== null && state.centroids !== null) {
      list = state.coarse.nearest(vector, 1)[0]!;
      center = state.centroids.subarray(list * d, (list + 1) * d);
    }
    const code = new Uint8Array(this.quantizer.bytesPerCode);
    const r = this.quantizer.encodeInto(vector, center, this.quantizer.nextDither(), code, 0);
    const record: StoredPoint = { l: list, c: code, s: r.scale, u: r.dither, n: r.squaredNorm };
    if (center !== null) {
      // Control variate: t = ⟨c, x − c⟩ − scale·⟨Rc, ẑ⟩, exact minus its own estimate. Adding t to every
      // estimate of this point turns the error scale·⟨Rq, ẑ − z⟩ into scale·⟨R(q − c), ẑ − z⟩: it shrinks with
      // the query's distance to the centroid instead of its norm, and stays unbiased (t is a fixed shift of an
      // unbiased estimator of ⟨c, x − c⟩ away from its true value, removed for every query alike).
      let exact = 0;
      for (let j = 0; j < d; j++) exact += center[j]! * (vector[j]! - center[j]!);
      record.t =
        exact - r.scale * this.quantizer.rotatedDotWith(state.rotatedCentroids[list]!, code, 0, r.dither);
    }
    if (payload !== undefined) record.p = payload;
    return record;
  }

  private insertEncoded(
    state: IndexState,
    id: PointId,
    payload: Payload | undefined,
    vector: Float32Array,
  ): void {
    removeFrom(state, id);
    const r = this.encodePoint(state, vector, payload);
    const slot = state.lists[r.l]!.push(id, payload, r.c, r.s, r.u, r.n, r.t ?? 0);
    state.location.set(id, { list: r.l, slot });
  }

  private storedVector(v: Float32Array): Float32Array | Uint16Array {
    return this.config.storeVectors === 'float16' ? toFloat16Bits(v) : v;
  }

  private loadedVector(stored: Float32Array | Uint16Array): Float32Array {
    return stored instanceof Uint16Array ? fromFloat16Bits(stored, new Float32Array(stored.length)) : stored;
  }

  /** Originals from LevelDB, or — when none are stored — the decoded codes (x̂ = c + decode). */
  private async readVectors(ids: PointId[]): Promise<(Float32Array | undefined)[]> {
    if (ids.length === 0) return [];
    if (this.config.storeVectors === 'none') return ids.map((id) => this.decodedVector(id));
    const stored = await this.store.getMany<Float32Array | Uint16Array>(
      ids.map((id) => vectorPrefix(this.name) + idKey(id)),
    );
    return stored.map((s) => (s === undefined ? undefined : this.loadedVector(s)));
  }

  private readVectorSync(id: PointId): Float32Array | undefined {
    const stored = this.store.getSync<Float32Array | Uint16Array>(vectorPrefix(this.name) + idKey(id));
    return stored === undefined ? undefined : this.loadedVector(stored);
  }

  private decodedVector(id: PointId): Float32Array | undefined {
    const loc = this.state.location.get(id);
    if (loc === undefined) return undefined;
    const list = this.state.lists[loc.list]!;
    const out = new Float32Array(this.config.dimension);
    this.quantizer.decodeInto(
      list.codes,
      loc.slot * this.quantizer.bytesPerCode,
      list.scales[loc.slot]!,
      list.dithers[loc.slot]!,
      out,
    );
    const c = this.state.centroids;
    if (c !== null) for (let j = 0; j < out.length; j++) out[j] = out[j]! + c[loc.list * out.length + j]!;
    return out;
  }

  private payloadOf(id: PointId): Payload | undefined {
    const loc = this.state.location.get(id);
    return loc === undefined ? undefined : this.state.lists[loc.list]!.payloads[loc.slot];
  }

  private record(
    id: PointId,
    payload: Payload | undefined,
    select: (p: Payload | undefined) => Payload | undefined,
    vector: Float32Array | undefined,
  ): PointRecord {
    const out: PointRecord = { id };
    const selected = select(payload);
    if (selected !== undefined) out.payload = selected;
    if (vector !== undefined) out.vector = Array.from(vector);
    return out;
  }

  private selector(selector: PointSelector): () => PointId[] {
    if (Array.isArray(selector)) {
      const ids = selector.map((id, i) => normalizePointId(id, `points[${i}]`));
      return () => ids;
    }
    assertArg(
      selector !== null && typeof selector === 'object' && 'filter' in selector,
      'INVALID_ARGUMENT',
      'expected an array of ids or { filter }',
    );
    const predicate = compileFilter(parseFilter(selector.filter));
    return () => {
      const ids: PointId[] = [];
      for (const list of this.state.lists)
        for (let s = 0; s < list.size; s++)
          if (predicate(list.ids[s]!, list.payloads[s])) ids.push(list.ids[s]!);
      return ids;
    };
  }

  private async rewritePayloads(
    selector: PointSelector,
    update: (old: Payload | undefined) => Payload | undefined,
  ): Promise<void> {
    this.checkOpen();
    const resolve = this.selector(selector);
    await this.exclusive(async () => {
      const state = this.state;
      const ids = resolve().filter((id) => state.location.has(id));
      const changes = ids.map((id) => {
        const loc = state.location.get(id)!;
        const list = state.lists[loc.list]!;
        return { id, loc, payload: update(list.payloads[loc.slot]) };
      });
      const ops: BatchOp[] = changes.map(({ id, loc, payload }) => {
        const record = listRecord(state.lists[loc.list]!, loc.list, loc.slot);
        if (payload === undefined) delete record.p;
        else record.p = payload;
        return { type: 'put', key: pointPrefix(this.name) + idKey(id), value: record };
      });
      await this.store.batch(ops);
      for (const { id, payload } of changes) {
        const loc = this.state.location.get(id);
        if (loc !== undefined) this.state.lists[loc.list]!.payloads[loc.slot] = payload;
        this.dirty?.add(id);
      }
      if (changes.length > 0)
        this.emit({
          upserted: [],
          deleted: [],
          payloadChanged: changes.map(({ id, payload }) => ({ id, payload })),
        });
    });
  }

  private ramBytesPerPoint(): number {
    // Codes and scalars, plus the id slot and the location entry (≈ 8 + 8 bytes), excluding payloads.
    return InvertedList.bytesPerPoint(this.quantizer.bytesPerCode) + 16;
  }
}

/** Full-dimensional mean of each cluster; a cluster left empty (only when rows < k) reuses a row. */
function fullMeans(
  data: Float32Array,
  count: number,
  d: number,
  assignment: Int32Array,
  k: number,
): Float32Array {
  const centroids = new Float32Array(k * d);
  const sizes = clusterMeans(data, count, d, assignment, k, centroids);
  let spare = 0;
  for (let c = 0; c < k; c++) {
    if (sizes[c] !== 0) continue;
    const row = spare++ % count;
    centroids.set(data.subarray(row * d, (row + 1) * d), c * d);
  }
  return centroids;
}

function emptyState(bytesPerCode: number): IndexState {
  return {
    lists: [new InvertedList(bytesPerCode)],
    centroids: null,
    rotatedCentroids: [],
    centroidSquaredNorms: null,
    coarse: null,
    location: new Map(),
    ivf: null,
  };
}

function removeFrom(state: IndexState, id: PointId): void {
  const loc = state.location.get(id);
  if (loc === undefined) return;
  const moved = state.lists[loc.list]!.remove(loc.slot);
  if (moved !== undefined) state.location.set(moved, { list: loc.list, slot: loc.slot });
  state.location.delete(id);
}

function listRecord(list: InvertedList, l: number, slot: number): StoredPoint {
  const record: StoredPoint = {
    l,
    c: list.code(slot).slice(),
    s: list.scales[slot]!,
    u: list.dithers[slot]!,
    n: list.squaredNorms[slot]!,
  };
  if (list.corrections[slot] !== 0) record.t = list.corrections[slot]!;
  const p = list.payloads[slot];
  if (p !== undefined) record.p = p;
  return record;
}

function checkPayload(payload: unknown, path: string): asserts payload is Payload {
  if (
    payload === null ||
    typeof payload !== 'object' ||
    Array.isArray(payload) ||
    payload instanceof Uint8Array
  )
    throw new DitherError('INVALID_PAYLOAD', `${path} must be a JSON object`);
}

function deletePath(node: Record<string, unknown>, parts: string[]): void {
  const [head, ...rest] = parts;
  if (head === undefined) return;
  if (rest.length === 0) {
    delete node[head];
    return;
  }
  const child = node[head];
  if (child !== null && typeof child === 'object' && !Array.isArray(child))
    deletePath(child as Record<string, unknown>, rest);
}

export { exactKey };
