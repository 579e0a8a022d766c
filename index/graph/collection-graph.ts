/**
 * The kNN graph of a collection, built through the collection's own search and kept beside it in its
 * extension store ('graph'), so that spectral partitioning and local clustering (src/graph) run on it without
 * a pass over the data each time.
 *
 * Freshness. A stored graph carries a fingerprint of what it was built from: the number of points and a
 * 64-bit hash of every (id, vector) in id order. Payload edits do not touch the graph and do not change the
 * fingerprint. Within a process, an `onChange` listener bumps a write counter on every applied upsert or
 * delete, so a cached graph is reused with an O(1) check; the fingerprint is recomputed (one read pass, no
 * searches) only the first time a process meets a stored graph, which covers writes made while no listener
 * was registered (another process, or before the first graph request since open). A persisted "stale" flag
 * alone could not cover those writes, which is why the fingerprint, not a flag, decides.
 */
import { assertArg, DitherError } from '../../src/errors.js';
import type { CsrGraph } from '../../src/graph/csr.js';
import { type EdgeWeighting, knnGraphFromNeighbors, type Symmetrization } from '../../src/graph/knn.js';
import type { Collection, CollectionChange, ExtensionStore } from '../collection.js';
import type { PointId } from '../types.js';

/** Neighbours per point at most: a search returns k + 1 results, and the collection caps k at 10 000. */
export const MAX_GRAPH_K = 1000;
/** Points searched between two yields to the event loop (a flat collection's search is a synchronous scan). */
const CHUNK = 32;
const STORE_KEY = 'knn';
const STORE_FORMAT = 1;

export interface CollectionGraphParams {
  k: number;
  symmetrize: Symmetrization;
  weighting: EdgeWeighting;
  /** Requested σ of the Gaussian weights; null: the median edge distance (and always null when unweighted). */
  bandwidth: number | null;
  /** Lists probed per neighbour search; null: the collection's default. */
  nprobe: number | null;
}

export interface CollectionGraphOptions {
  /** Neighbours per point (default 10). */
  k?: number;
  /** Default 'union' (see knnGraphFromNeighbors). */
  symmetrize?: Symmetrization;
  /** Default 'unweighted'. */
  weighting?: EdgeWeighting;
  bandwidth?: number;
  nprobe?: number;
  /** Called after every chunk of neighbour searches with (points searched, points in the collection). */
  onProgress?: (done: number, total: number) => void;
}

export interface LoadGraphOptions extends CollectionGraphOptions {
  /** Build anew even when a fresh graph with these parameters is stored. */
  rebuild?: boolean;
}

export interface CollectionGraph {
  graph: CsrGraph;
  /** ids[node] is the point behind the node, in id order. */
  ids: PointId[];
  /** The node of a point id, or undefined when the point is not in the graph. */
  nodeOf(id: PointId): number | undefined;
  params: CollectionGraphParams;
  /** σ used for Gaussian weights (NaN when unweighted). */
  bandwidth: number;
  builtAt: string;
  /** 'built' now, read from the 'store', or reused from 'memory' (this process built or read it before). */
  source: 'built' | 'store' | 'memory';
  /**
   * False when points were written while the graph was being built: it is then a graph of a moving snapshot,
   * returned but neither stored nor cached, so the next request builds again.
   */
  consistent: boolean;
}

interface StoredGraph {
  format: number;
  params: CollectionGraphParams;
  points: number;
  fingerprint: string;
  ids: PointId[];
  offsets: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
  degree: Float64Array;
  volume: number;
  bandwidth: number;
  builtAt: string;
}

/** What this process knows about one collection object. */
interface Tracker {
  /** Applied upserts and deletes since the listener was registered. */
  writes: number;
  /** The current contents' fingerprint, valid while `writes` equals `at`. */
  known: { at: number; fingerprint: string } | null;
  cached: { at: number; graph: Omit<CollectionGraph, 'source' | 'consistent'> } | null;
  /** Loads and builds of one collection run one at a time, so concurrent requests share a build. */
  queue: Promise<unknown>;
}

const trackers = new WeakMap<Collection, Tracker>();

function trackerOf(collection: Collection): Tracker {
  let t = trackers.get(collection);
  if (t === undefined) {
    const tracker: Tracker = { writes: 0, known: null, cached: null, queue: Promise.resolve() };
    collection.onChange((change: CollectionChange) => {
      // Payload-only edits leave every vector, hence every neighbour list, as it was.
      if (change.upserted.length > 0 || change.deleted.length > 0) tracker.writes++;
    });
    trackers.set(collection, tracker);
    t = tracker;
  }
  return t;
}

/** Validates options at the public edge and puts them in the canonical form stored with a graph. */
export function resolveGraphParams(options: CollectionGraphOptions = {}): CollectionGraphParams {
  assertArg(options !== null && typeof options === 'object', 'INVALID_ARGUMENT', 'options must be an object');
  const k = options.k ?? 10;
  assertArg(
    Number.isInteger(k) && k >= 1 && k <= MAX_GRAPH_K,
    'INVALID_ARGUMENT',
    `k must be an integer from 1 to ${MAX_GRAPH_K}`,
  );
  const symmetrize = options.symmetrize ?? 'union';
  assertArg(
    symmetrize === 'union' || symmetrize === 'mutual',
    'INVALID_ARGUMENT',
    "symmetrize must be 'union' or 'mutual'",
  );
  const weighting = options.weighting ?? 'unweighted';
  assertArg(
    weighting === 'unweighted' || weighting === 'gaussian',
    'INVALID_ARGUMENT',
    "weighting must be 'unweighted' or 'gaussian'",
  );
  const bandwidth = options.bandwidth;
  assertArg(
    bandwidth === undefined || (typeof bandwidth === 'number' && Number.isFinite(bandwidth) && bandwidth > 0),
    'INVALID_ARGUMENT',
    'bandwidth must be a positive finite number',
  );
  const nprobe = options.nprobe;
  assertArg(
    nprobe === undefined || (Number.isInteger(nprobe) && nprobe >= 1),
    'INVALID_ARGUMENT',
    'nprobe must be a positive integer',
  );
  assertArg(
    options.onProgress === undefined || typeof options.onProgress === 'function',
    'INVALID_ARGUMENT',
    'onProgress must be a function',
  );
  return {
    k,
    symmetrize,
    weighting,
    bandwidth: weighting === 'gaussian' && bandwidth !== undefined ? bandwidth : null,
    nprobe: nprobe ?? null,
  };
}

function sameParams(a: CollectionGraphParams, b: CollectionGraphParams): boolean {
  return (
    a.k === b.k &&
    a.symmetrize === b.symmetrize &&
    a.weighting === b.weighting &&
    a.bandwidth === b.bandwidth &&
    a.nprobe === b.nprobe
  );
}

/**
 * A 64-bit hash of (id, vector bits) in id order, as two independent 32-bit lanes mixed with MurmurHash3's
 * multiply-rotate step and finalizer. Not cryptographic: it guards against stale caches, not adversaries.
 */
class Fingerprint {
  private h1 = 0x9747b28c;
  private h2 = 0x1b873593;
  private count = 0;
  private bits = new Uint32Array(0);
  private floats = new Float32Array(this.bits.buffer);

  private word(w: number): void {
    this.h1 = Math.imul(rotl(this.h1 ^ Math.imul(w, 0xcc9e2d51), 15), 0x1b873593) + 0xe6546b64;
    this.h2 = Math.imul(rotl(this.h2 ^ Math.imul(w, 0x85ebca6b), 13), 0xc2b2ae35) + 0x52dce729;
  }

  add(id: PointId, vector: Float32Array): void {
    this.count++;
    if (typeof id === 'number') {
      this.word(1);
      this.word(id % 0x100000000);
      this.word(Math.floor(id / 0x100000000));
    } else {
      this.word(2);
      for (let i = 0; i < id.length; i++) this.word(id.charCodeAt(i));
    }
    if (this.bits.length < vector.length) {
      this.bits = new Uint32Array(vector.length);
      this.floats = new Float32Array(this.bits.buffer);
    }
    // Copy into an aligned scratch buffer: the stored vector may sit at any byte offset of a decoded value.
    this.floats.set(vector);
    this.word(vector.length);
    for (let i = 0; i < vector.length; i++) this.word(this.bits[i]!);
  }

  digest(): string {
    const f = (h: number) => {
      let x = h ^ this.count;
      x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
      x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
      return ((x ^ (x >>> 16)) >>> 0).toString(16).padStart(8, '0');
    };
    return `${this.count}:${f(this.h1)}${f(this.h2)}`;
  }
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** The fingerprint of the collection's current points (one read pass over ids and vectors). */
export async function collectionFingerprint(collection: Collection): Promise<string> {
  const fp = new Fingerprint();
  for await (const p of collection.points()) fp.add(p.id, p.vector);
  return fp.digest();
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Builds the kNN graph of the collection through its own search: for every point the k + 1 nearest (the
 * point itself is normally the first and is dropped; when the index misses it, k others remain), then
 * knnGraphFromNeighbors. Distances given to the graph are Euclidean: the score itself for l2, the chord
 * √(2 − 2s) between unit vectors for cosine, and √(‖x‖² + ‖y‖² − 2⟨x, y⟩) for dot (neighbours are still chosen
 * by inner product, as the index ranks them). Persists the graph unless points were written meanwhile.
 */
export async function buildCollectionGraph(
  collection: Collection,
  options: CollectionGraphOptions = {},
): Promise<CollectionGraph> {
  const params = resolveGraphParams(options);
  const tracker = trackerOf(collection);
  return serialised(tracker, () => build(collection, tracker, params, options.onProgress));
}

/**
 * The stored graph when it was built with these parameters from the collection's current points; otherwise
 * (or with `rebuild: true`) a new one, built and stored.
 */
export async function loadCollectionGraph(
  collection: Collection,
  options: LoadGraphOptions = {},
): Promise<CollectionGraph> {
  const params = resolveGraphParams(options);
  assertArg(
    options.rebuild === undefined || typeof options.rebuild === 'boolean',
    'INVALID_ARGUMENT',
    'rebuild must be a boolean',
  );
  const tracker = trackerOf(collection);
  if (options.rebuild === true)
    return serialised(tracker, () => build(collection, tracker, params, options.onProgress));
  const hit = fromMemory(tracker, params);
  if (hit !== null) return hit;
  return serialised(tracker, async () => {
    // A request that waited in the queue may find the graph an earlier one just built.
    const again = fromMemory(tracker, params);
    if (again !== null) return again;
    const stored = await readStored(collection.extension('graph'));
    if (stored !== null && sameParams(stored.params, params)) {
      const at = tracker.writes;
      const current =
        tracker.known !== null && tracker.known.at === at
          ? tracker.known.fingerprint
          : await collectionFingerprint(collection);
      if (tracker.writes === at) {
        tracker.known = { at, fingerprint: current };
        if (current === stored.fingerprint) {
          const graph = fromStored(stored);
          tracker.cached = { at, graph };
          return { ...graph, source: 'store' as const, consistent: true };
        }
      }
    }
    return build(collection, tracker, params, options.onProgress);
  });
}

/** Drops the stored graph (and this process's cache) of a collection. */
export async function dropCollectionGraph(collection: Collection): Promise<void> {
  const tracker = trackerOf(collection);
  await serialised(tracker, async () => {
    tracker.cached = null;
    await collection.extension('graph').delete([STORE_KEY]);
  });
}

function serialised<T>(tracker: Tracker, fn: () => Promise<T>): Promise<T> {
  const run = tracker.queue.then(fn);
  tracker.queue = run.catch(() => undefined);
  return run;
}

function fromMemory(tracker: Tracker, params: CollectionGraphParams): CollectionGraph | null {
  const c = tracker.cached;
  if (c === null || c.at !== tracker.writes || !sameParams(c.graph.params, params)) return null;
  return { ...c.graph, source: 'memory', consistent: true };
}

async function build(
  collection: Collection,
  tracker: Tracker,
  params: CollectionGraphParams,
  onProgress: ((done: number, total: number) => void) | undefined,
): Promise<CollectionGraph> {
  const at = tracker.writes;
  const metric = collection.config.metric;
  const total = collection.stats().points;
  assertArg(total > 0, 'INVALID_ARGUMENT', `collection ${collection.name} has no points to build a graph of`);
  const fp = new Fingerprint();
  const ids: PointId[] = [];
  const sqNorms: number[] = [];
  const found: PointId[][] = [];
  const scores: Float64Array[] = [];
  const search = { k: params.k + 1, ...(params.nprobe === null ? {} : { nprobe: params.nprobe }) };
  // Searches of a chunk run together: each one's rerank waits on LevelDB reads, which then overlap.
  let chunk: Float32Array[] = [];
  const flush = async () => {
    const results = await Promise.all(chunk.map((v) => collection.search(v, search)));
    for (const hits of results) {
      found.push(hits.map((h) => h.id));
      scores.push(Float64Array.from(hits, (h) => h.score));
    }
    chunk = [];
    onProgress?.(ids.length, Math.max(total, ids.length));
    await yieldToLoop();
  };
  for await (const p of collection.points()) {
    fp.add(p.id, p.vector);
    ids.push(p.id);
    let s = 0;
    for (let j = 0; j < p.vector.length; j++) s += p.vector[j]! * p.vector[j]!;
    sqNorms.push(s);
    chunk.push(p.vector);
    if (chunk.length === CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  assertArg(
    ids.length > 0,
    'INVALID_ARGUMENT',
    `collection ${collection.name} has no points to build a graph of`,
  );

  const node = new Map<PointId, number>(ids.map((id, i) => [id, i]));
  const neighbors: Int32Array[] = [];
  const distances: Float64Array[] = [];
  for (let i = 0; i < ids.length; i++) {
    const f = found[i]!;
    const sc = scores[i]!;
    const nb = new Int32Array(f.length);
    const ds = new Float64Array(f.length);
    let m = 0;
    for (let j = 0; j < f.length; j++) {
      // A point written after the pass read past its key can be a neighbour but is not a node: skip it.
      const t = node.get(f[j]!);
      if (t === undefined) continue;
      const s = sc[j]!;
      const d =
        metric === 'l2'
          ? s
          : metric === 'cosine'
            ? Math.sqrt(Math.max(0, 2 - 2 * s))
            : Math.sqrt(Math.max(0, sqNorms[i]! + sqNorms[t]! - 2 * s));
      nb[m] = t;
      ds[m] = Number.isFinite(d) && d >= 0 ? d : 0;
      m++;
    }
    neighbors.push(nb.subarray(0, m));
    distances.push(ds.subarray(0, m));
  }
  const knn = knnGraphFromNeighbors(
    { neighbors, distances },
    {
      k: params.k,
      symmetrize: params.symmetrize,
      weighting: params.weighting,
      ...(params.bandwidth === null ? {} : { bandwidth: params.bandwidth }),
    },
  );
  const builtAt = new Date().toISOString();
  const graph: Omit<CollectionGraph, 'source' | 'consistent'> = {
    graph: knn.graph,
    ids,
    nodeOf: (id) => node.get(id),
    params,
    bandwidth: knn.bandwidth,
    builtAt,
  };
  const consistent = tracker.writes === at;
  if (consistent) {
    const fingerprint = fp.digest();
    const g = knn.graph;
    const stored: StoredGraph = {
      format: STORE_FORMAT,
      params,
      points: ids.length,
      fingerprint,
      ids,
      offsets: g.offsets,
      targets: g.targets,
      weights: g.weights,
      degree: g.degree,
      volume: g.volume,
      bandwidth: knn.bandwidth,
      builtAt,
    };
    await collection.extension('graph').put([{ key: STORE_KEY, value: stored }]);
    if (tracker.writes === at) {
      tracker.known = { at, fingerprint };
      tracker.cached = { at, graph };
    }
  }
  return { ...graph, source: 'built', consistent };
}

/** The stored graph, or null when there is none or it does not have the expected shape (then it is rebuilt). */
async function readStored(ext: ExtensionStore): Promise<StoredGraph | null> {
  const s = await ext.get<StoredGraph>(STORE_KEY);
  if (s === undefined || s === null || typeof s !== 'object' || s.format !== STORE_FORMAT) return null;
  const n = s.points;
  const ok =
    Number.isInteger(n) &&
    n >= 1 &&
    Array.isArray(s.ids) &&
    s.ids.length === n &&
    s.offsets instanceof Int32Array &&
    s.offsets.length === n + 1 &&
    s.targets instanceof Int32Array &&
    s.weights instanceof Float64Array &&
    s.degree instanceof Float64Array &&
    s.degree.length === n &&
    s.targets.length === s.weights.length &&
    s.offsets[n] === s.targets.length &&
    typeof s.fingerprint === 'string' &&
    s.params !== null &&
    typeof s.params === 'object';
  return ok ? s : null;
}

function fromStored(s: StoredGraph): Omit<CollectionGraph, 'source' | 'consistent'> {
  const node = new Map<PointId, number>(s.ids.map((id, i) => [id, i]));
  if (node.size !== s.ids.length) throw new DitherError('CORRUPT_DATA', 'stored graph lists an id twice');
  return {
    graph: {
      nodes: s.points,
      offsets: s.offsets,
      targets: s.targets,
      weights: s.weights,
      degree: s.degree,
      volume: s.volume,
    },
    ids: s.ids,
    nodeOf: (id) => node.get(id),
    params: s.params,
    bandwidth: s.bandwidth,
    builtAt: s.builtAt,
  };
}
