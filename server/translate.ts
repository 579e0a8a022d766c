/**
 * Translation between Qdrant's REST shapes (v1.18) and the library's types. Routes stay thin: they validate
 * with the schemas, call these helpers, and call the library. Nothing here decides an HTTP status; errors are
 * DitherErrors whose status comes from the catalogue.
 */
import type { Collection } from '../index/collection.js';
import type {
  CollectionConfig,
  CreateCollectionOptions,
  Metric,
  PointInput,
  PointSelector,
  ScoredPoint,
  SearchOptions,
} from '../index/types.js';
import { DitherError } from '../src/errors.js';

export type QdrantDistance = 'Cosine' | 'Dot' | 'Euclid' | 'Manhattan';

const METRIC_BY_DISTANCE: Record<string, Metric> = { Cosine: 'cosine', Dot: 'dot', Euclid: 'l2' };
const DISTANCE_BY_METRIC: Record<Metric, QdrantDistance> = { cosine: 'Cosine', dot: 'Dot', l2: 'Euclid' };

export function metricFromDistance(distance: string): Metric {
  const metric = METRIC_BY_DISTANCE[distance];
  if (metric === undefined) {
    throw new DitherError(
      'INVALID_ARGUMENT',
      `vectors.distance: ${JSON.stringify(distance)} is not supported (ditherdb supports Cosine, Dot, Euclid)`,
    );
  }
  return metric;
}

export function distanceFromMetric(metric: Metric): QdrantDistance {
  return DISTANCE_BY_METRIC[metric];
}

interface CreateBody {
  vectors: Record<string, unknown>;
  hnsw_config?: { m?: number | null; ef_construct?: number | null } | null;
  quantization_config?: Record<string, unknown> | null;
  sparse_vectors?: Record<string, unknown> | null;
  ditherdb?: Omit<CreateCollectionOptions, 'dimension' | 'metric'>;
}

/**
 * Qdrant's create body → library options. Only one unnamed dense vector exists per collection, so named
 * vectors and sparse vectors are refused; Qdrant's scalar (int8) and binary quantization map to 8 and 1
 * bits, product quantization has no counterpart. ditherdb's own settings sit under `ditherdb`; a conflict
 * between `ditherdb.bits` and `quantization_config` is refused rather than resolved silently.
 */
export function createOptionsFromBody(body: CreateBody): CreateCollectionOptions {
  const vectors = body.vectors;
  if (typeof vectors.size !== 'number' || typeof vectors.distance !== 'string') {
    const looksUnnamed = 'size' in vectors || 'distance' in vectors;
    throw new DitherError(
      'INVALID_ARGUMENT',
      looksUnnamed
        ? 'vectors: expected { size: integer, distance: "Cosine" | "Dot" | "Euclid" }'
        : 'vectors: named vectors are not supported; give one unnamed { size, distance }',
    );
  }
  if (body.sparse_vectors != null && Object.keys(body.sparse_vectors).length > 0) {
    throw new DitherError('INVALID_ARGUMENT', 'sparse_vectors: sparse vectors are not supported');
  }
  const options: CreateCollectionOptions = {
    ...(body.ditherdb ?? {}),
    dimension: vectors.size,
    metric: metricFromDistance(vectors.distance),
  };
  const qc =
    (vectors.quantization_config as Record<string, unknown> | null | undefined) ?? body.quantization_config;
  const qBits = bitsFromQuantizationConfig(qc);
  if (qBits !== undefined) {
    if (options.bits !== undefined && options.bits !== qBits) {
      throw new DitherError(
        'INVALID_ARGUMENT',
        `quantization_config implies ${qBits} bits but ditherdb.bits is ${options.bits}`,
      );
    }
    options.bits = qBits;
  }
  const hnsw = (vectors.hnsw_config as CreateBody['hnsw_config']) ?? body.hnsw_config;
  if (hnsw) {
    const index = { ...(options.index ?? {}) };
    if (hnsw.m != null && index.m === undefined) index.m = hnsw.m;
    if (hnsw.ef_construct != null && index.efConstruction === undefined)
      index.efConstruction = hnsw.ef_construct;
    options.index = index;
  }
  return options;
}

function bitsFromQuantizationConfig(qc: Record<string, unknown> | null | undefined): number | undefined {
  if (qc == null) return undefined;
  const keys = Object.keys(qc);
  if (keys.length !== 1) {
    throw new DitherError('INVALID_ARGUMENT', 'quantization_config: expected one of scalar, binary');
  }
  if (keys[0] === 'scalar') return 8;
  if (keys[0] === 'binary') return 1;
  throw new DitherError(
    'INVALID_ARGUMENT',
    `quantization_config.${keys[0]}: not supported (scalar maps to 8 bits, binary to 1 bit; see ditherdb.bits)`,
  );
}

/** Qdrant's collection info for GET /collections/{name}, plus ditherdb's own config and statistics. */
export function collectionInfo(collection: Collection) {
  const config: CollectionConfig = collection.config;
  const stats = collection.stats();
  return {
    // yellow while the IVF lists are being (re)trained in the background, as Qdrant reports optimisation.
    status: stats.training ? 'yellow' : 'green',
    optimizer_status: 'ok',
    indexed_vectors_count: stats.trained ? stats.points : 0,
    points_count: stats.points,
    segments_count: 1,
    config: {
      params: {
        vectors: { size: config.dimension, distance: distanceFromMetric(config.metric), on_disk: false },
        shard_number: 1,
        replication_factor: 1,
        write_consistency_factor: 1,
        on_disk_payload: true,
      },
      hnsw_config: {
        m: config.index.m,
        ef_construct: config.index.efConstruction,
        full_scan_threshold: config.index.flatThreshold,
        max_indexing_threads: 0,
        on_disk: false,
      },
      optimizer_config: {
        deleted_threshold: 0,
        vacuum_min_vector_number: 0,
        default_segment_number: 1,
        max_segment_size: null,
        memmap_threshold: null,
        indexing_threshold: config.index.flatThreshold,
        flush_interval_sec: 0,
        max_optimization_threads: null,
      },
      wal_config: { wal_capacity_mb: 0, wal_segments_ahead: 0 },
      quantization_config: null,
    },
    payload_schema: {},
    ditherdb: { config, stats },
  };
}

interface PointsBody {
  points?: Array<{ id: unknown; vector: unknown; payload?: Record<string, unknown> | null }>;
  batch?: { ids: unknown[]; vectors: unknown[]; payloads?: Array<Record<string, unknown> | null> | null };
}

/** Both upsert forms → PointInput[]; the library validates ids, vectors and payloads. */
export function pointsFromUpsertBody(body: PointsBody): PointInput[] {
  if (body.points) {
    return body.points.map((p) => ({ id: p.id, vector: p.vector, payload: p.payload ?? null }) as PointInput);
  }
  const batch = body.batch;
  if (!batch) throw new DitherError('INVALID_ARGUMENT', 'body: expected "points" or "batch"');
  const n = batch.ids.length;
  if (batch.vectors.length !== n) {
    throw new DitherError(
      'INVALID_ARGUMENT',
      `batch: ${n} ids but ${batch.vectors.length} vectors; the lists must have equal lengths`,
    );
  }
  const payloads = batch.payloads ?? null;
  if (payloads !== null && payloads.length !== n) {
    throw new DitherError(
      'INVALID_ARGUMENT',
      `batch: ${n} ids but ${payloads.length} payloads; the lists must have equal lengths`,
    );
  }
  const out: PointInput[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = { id: batch.ids[i], vector: batch.vectors[i], payload: payloads?.[i] ?? null } as PointInput;
  }
  return out;
}

/**
 * `{ points }` or `{ filter }` → the library's selector. Qdrant's payload routes accept both keys as
 * optional; giving neither or both is refused here, since applying one and ignoring the other would be a
 * silently wrong write.
 */
export function selectorFrom(body: { points?: unknown[] | null; filter?: unknown }): PointSelector {
  const hasPoints = body.points != null;
  const hasFilter = body.filter != null;
  if (hasPoints === hasFilter) {
    throw new DitherError('INVALID_ARGUMENT', 'body: give exactly one of "points" or "filter"');
  }
  return hasPoints ? (body.points as PointSelector) : { filter: body.filter };
}

export interface QdrantSearchParams {
  hnsw_ef?: number | null;
  exact?: boolean | null;
  quantization?: { ignore?: boolean | null; rescore?: boolean | null; oversampling?: number | null } | null;
  indexed_only?: boolean | null;
}

export interface QdrantSearchCommon {
  filter?: unknown;
  params?: QdrantSearchParams | null;
  limit?: number | null;
  offset?: number | null;
  with_payload?: unknown;
  with_vector?: boolean | null;
  score_threshold?: number | null;
}

/**
 * Qdrant's search parameters → SearchOptions. `hnsw_ef` (the breadth of Qdrant's graph search) maps to the
 * number of IVF lists probed; `exact` probes every list and reranks every point from the stored originals;
 * `quantization.rescore/oversampling` map to rerank and oversampling. `quantization.ignore` asks for a
 * search without quantized vectors, which ditherdb does not have (codes are the only in-memory index).
 */
export function searchOptionsFrom(req: QdrantSearchCommon, collection: Collection): SearchOptions {
  const opts: SearchOptions = {
    k: req.limit ?? 10,
    withPayload: req.with_payload ?? false,
    withVector: req.with_vector ?? false,
  };
  if (req.offset != null) opts.offset = req.offset;
  if (req.filter != null) opts.filter = req.filter;
  if (req.score_threshold != null) opts.scoreThreshold = req.score_threshold;
  const params = req.params;
  if (params) {
    if (params.hnsw_ef != null) opts.nprobe = params.hnsw_ef;
    const q = params.quantization;
    if (q?.ignore === true) {
      throw new DitherError(
        'INVALID_ARGUMENT',
        'params.quantization.ignore: ditherdb always scans quantized codes; use rescore to rerank from originals',
      );
    }
    if (q?.rescore != null) opts.rerank = q.rescore;
    if (q?.oversampling != null) opts.oversampling = q.oversampling;
    if (params.exact === true) {
      // Exact: probe every list and hand every point to the rerank (k·oversampling ≥ N), so the answer is
      // decided by stored originals and never by a code estimate.
      const stats = collection.stats();
      const k = opts.k ?? 10;
      opts.nprobe = Math.max(1, stats.lists);
      opts.oversampling = Math.max(opts.oversampling ?? 1, Math.ceil(stats.points / k) + 1);
      opts.rerank = true;
    }
  }
  return opts;
}

/** Qdrant's ScoredPoint carries a `version` (its WAL sequence); ditherdb keeps none, so 0. */
export function scoredPointOut(p: ScoredPoint) {
  return { ...p, version: 0 };
}
