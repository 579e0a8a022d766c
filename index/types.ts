import type { PointId } from '../src/filter/index.js';
import type { QuantizerKind } from '../src/quantizer/index.js';
import type { VectorLike } from '../src/quantizer/vectors.js';
import type { RotationKind } from '../src/rotation.js';

export type { PointId, VectorLike };
export type Metric = 'dot' | 'cosine' | 'l2';
export type StoreVectors = 'float32' | 'float16' | 'none';
export type Payload = Record<string, unknown>;

export interface IndexOptions {
  /** Collections below this many points are scanned flat (one list, no centroid). Default 20 000. */
  flatThreshold: number;
  /** Lists probed by default once trained; `search({ nprobe })` overrides. Default 32. */
  nprobe: number;
  /** Candidates kept for rerank: k × oversampling. Default 4. */
  oversampling: number;
  /** Rerank from stored originals by default (when stored). Default true. */
  rerank: boolean;
  /** z of the error-bound test (estimate ± z·SE) that decides which candidates are read. Default 3. */
  confidence: number;
  /** HNSW parameters of the coarse index over the centroids. */
  m: number;
  efConstruction: number;
}

export interface CollectionConfig {
  name: string;
  dimension: number;
  metric: Metric;
  bits: number;
  kind: QuantizerKind;
  seed: number;
  rotation: RotationKind;
  rounds: number;
  storeVectors: StoreVectors;
  index: IndexOptions;
}

export interface CreateCollectionOptions {
  dimension: number;
  metric?: Metric;
  bits?: number;
  kind?: QuantizerKind;
  seed?: number;
  rotation?: RotationKind;
  rounds?: number;
  storeVectors?: StoreVectors;
  index?: Partial<IndexOptions>;
}

export interface PointInput {
  id: PointId;
  vector: VectorLike;
  payload?: Payload | null;
}

export interface ReadOptions {
  /** `true`, `false`, a list of keys, `{ include }` or `{ exclude }` (Qdrant's with_payload). Default true. */
  withPayload?: unknown;
  withVector?: boolean;
}

export interface PointRecord {
  id: PointId;
  payload?: Payload;
  vector?: number[];
}

export interface ScoredPoint extends PointRecord {
  score: number;
}

export interface SearchOptions extends ReadOptions {
  k?: number;
  /** Results skipped before the k returned (Qdrant's offset). */
  offset?: number;
  nprobe?: number;
  oversampling?: number;
  rerank?: boolean;
  /** A Qdrant filter (validated; unknown keys rejected). */
  filter?: unknown;
  /** Qdrant's score_threshold: drop results scoring worse (below for dot/cosine, above for l2). */
  scoreThreshold?: number;
}

export interface ScrollOptions extends ReadOptions {
  limit?: number;
  /** Start from this id (inclusive), as Qdrant's scroll offset. */
  offset?: PointId;
  filter?: unknown;
}

export interface ScrollResult {
  points: PointRecord[];
  nextOffset: PointId | null;
}

/** Either explicit ids or every point matching a filter. */
export type PointSelector = PointId[] | { filter: unknown };

export interface CollectionStats {
  points: number;
  lists: number;
  trained: boolean;
  training: boolean;
  /** In-memory bytes per point: code, scale, dither, norm and id slot (no originals, no payloads). */
  ramBytesPerPoint: number;
  bitsPerDimension: number;
  bytesPerCode: number;
}

export interface QuantizationInfo {
  bits: number;
  kind: QuantizerKind;
  rotation: RotationKind;
  rounds: number;
  bitsPerDimension: number;
  ramBytesPerPoint: number;
  /** Expected ‖x − x̂‖² / ‖x − c‖² for a rotated (≈ Gaussian) vector: the lattice's MSE. */
  mseEstimate: number;
}
