/**
 * Request schemas (TypeBox → JSON Schema) for the Qdrant-compatible routes, following Qdrant's REST v1.18
 * OpenAPI shapes. Every body object is closed (`additionalProperties: false`) so an unknown or misspelt key is
 * rejected with 400 instead of being dropped. Filters and `with_payload` selectors are left open here: the
 * library parses them strictly itself (src/filter), so the rules live in one place. Optional keys also accept
 * `null`, as Qdrant's serde models (`Option<T>`) do and as the official clients sometimes send.
 */
import { type TSchema, Type } from '@sinclair/typebox';

const closed = { additionalProperties: false } as const;

/** Optional and nullable, as Qdrant's `Option<T>`. */
function opt<T extends TSchema>(schema: T) {
  return Type.Optional(Type.Union([schema, Type.Null()]));
}

/** An unsigned integer or a UUID string; the library normalises it and rejects unsafe integers (≥ 2^53). */
export const PointIdSchema = Type.Union([Type.Integer(), Type.String()], {
  $id: 'PointId',
  description: 'Unsigned integer below 2^53 or a UUID',
});
const pointId = Type.Ref('PointId');

/** A Qdrant filter; validated deeply by the library's strict parser (unknown keys rejected there). */
export const FilterSchema = Type.Object({}, { $id: 'Filter', additionalProperties: true });
const filter = Type.Ref('Filter');

/** `with_payload`: boolean, list of keys, `{ include }` or `{ exclude }` (checked by the library). */
const withPayload = Type.Union([
  Type.Boolean(),
  Type.Array(Type.String()),
  Type.Object({ include: Type.Array(Type.String()) }, closed),
  Type.Object({ exclude: Type.Array(Type.String()) }, closed),
]);
/** `with_vector`: only the single unnamed vector exists, so a boolean. */
const withVector = Type.Boolean();
const payload = Type.Object({}, { additionalProperties: true, description: 'JSON object' });
const denseVector = Type.Array(Type.Number(), { description: 'Dense vector' });
/** Shard keys exist only in Qdrant's distributed mode; ditherdb has one shard, so only null is accepted. */
const noShardKey = Type.Optional(Type.Null());

export const CollectionNameParams = Type.Object({ name: Type.String({ minLength: 1 }) }, closed);
export const PointParams = Type.Object({ name: Type.String({ minLength: 1 }), id: Type.String() }, closed);

/** Update routes take Qdrant's `wait` and `ordering`; ditherdb always applies the write before replying. */
export const UpdateQuery = Type.Object(
  {
    wait: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
    ordering: Type.Optional(
      Type.Union([Type.Literal('weak'), Type.Literal('medium'), Type.Literal('strong')]),
    ),
    timeout: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
  },
  closed,
);
/** Read routes take `consistency` and `timeout` (single replica: accepted, no effect). */
export const ReadQuery = Type.Object(
  {
    consistency: Type.Optional(Type.String({ pattern: '^([0-9]{1,4}|majority|quorum|all)$' })),
    timeout: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
  },
  closed,
);
export const TimeoutQuery = Type.Object(
  { timeout: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })) },
  closed,
);

const hnswConfig = Type.Object(
  {
    m: opt(Type.Integer({ minimum: 2, maximum: 256 })),
    ef_construct: opt(Type.Integer({ minimum: 4, maximum: 4096 })),
    full_scan_threshold: opt(Type.Integer({ minimum: 0 })),
    max_indexing_threads: opt(Type.Integer({ minimum: 0 })),
    on_disk: opt(Type.Boolean()),
    payload_m: opt(Type.Integer({ minimum: 0 })),
    inline_storage: opt(Type.Boolean()),
  },
  closed,
);

const vectorParams = Type.Object(
  {
    size: Type.Integer(),
    distance: Type.Union([
      Type.Literal('Cosine'),
      Type.Literal('Dot'),
      Type.Literal('Euclid'),
      Type.Literal('Manhattan'),
    ]),
    on_disk: opt(Type.Boolean()),
    hnsw_config: opt(hnswConfig),
    quantization_config: opt(Type.Object({}, { additionalProperties: true })),
    datatype: opt(Type.Union([Type.Literal('float32'), Type.Literal('float16'), Type.Literal('uint8')])),
  },
  closed,
);

/** ditherdb's own collection settings (index/types.ts CreateCollectionOptions), beside Qdrant's. */
const ditherdbOptions = Type.Object(
  {
    bits: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
    kind: Type.Optional(Type.Union([Type.Literal('dithered'), Type.Literal('turbo')])),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
    rotation: Type.Optional(Type.Union([Type.Literal('padded'), Type.Literal('blocked')])),
    rounds: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
    storeVectors: Type.Optional(
      Type.Union([Type.Literal('float32'), Type.Literal('float16'), Type.Literal('none')]),
    ),
    index: Type.Optional(
      Type.Object(
        {
          flatThreshold: Type.Optional(Type.Integer({ minimum: 0 })),
          nprobe: Type.Optional(Type.Integer({ minimum: 1 })),
          oversampling: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
          rerank: Type.Optional(Type.Boolean()),
          confidence: Type.Optional(Type.Number({ minimum: 0 })),
          m: Type.Optional(Type.Integer({ minimum: 2, maximum: 256 })),
          efConstruction: Type.Optional(Type.Integer({ minimum: 4, maximum: 4096 })),
        },
        closed,
      ),
    ),
  },
  closed,
);

/** Accepted for compatibility and without effect on a single-node embedded store (listed in docs/server.md). */
const inert = opt(Type.Object({}, { additionalProperties: true }));

export const CreateCollectionBody = Type.Object(
  {
    vectors: Type.Union([vectorParams, Type.Object({}, { additionalProperties: true })]),
    shard_number: opt(Type.Integer({ minimum: 1, maximum: 1 })),
    sharding_method: opt(Type.Literal('auto')),
    replication_factor: opt(Type.Integer({ minimum: 1, maximum: 1 })),
    write_consistency_factor: opt(Type.Integer({ minimum: 1, maximum: 1 })),
    on_disk_payload: opt(Type.Boolean()),
    hnsw_config: opt(hnswConfig),
    wal_config: inert,
    optimizers_config: inert,
    quantization_config: opt(Type.Object({}, { additionalProperties: true })),
    sparse_vectors: inert,
    strict_mode_config: inert,
    metadata: opt(payload),
    ditherdb: Type.Optional(ditherdbOptions),
  },
  closed,
);

const pointStruct = Type.Object(
  {
    id: pointId,
    vector: denseVector,
    payload: opt(payload),
  },
  closed,
);

const upsertList = Type.Object(
  { points: Type.Array(pointStruct), shard_key: noShardKey, update_filter: Type.Optional(Type.Null()) },
  closed,
);
const upsertBatch = Type.Object(
  {
    batch: Type.Object(
      {
        ids: Type.Array(pointId),
        vectors: Type.Array(denseVector),
        payloads: opt(Type.Array(Type.Union([payload, Type.Null()]))),
      },
      closed,
    ),
    shard_key: noShardKey,
    update_filter: Type.Optional(Type.Null()),
  },
  closed,
);
export const UpsertBody = Type.Union([upsertList, upsertBatch]);

/**
 * The same shapes over msgpack, where a vector may also be a Float32Array (msgpackr's typed-array
 * extension); JSON Schema has no type for it, so vectors are left to the library's checkVector here, and the
 * msgpack parser has already refused typed arrays anywhere but in vector positions.
 */
const anyVector = Type.Unknown({ description: 'Array of numbers or Float32Array' });
export const UpsertBodyMsgpack = Type.Union([
  Type.Object(
    {
      points: Type.Array(Type.Object({ id: pointId, vector: anyVector, payload: opt(payload) }, closed)),
      shard_key: noShardKey,
      update_filter: Type.Optional(Type.Null()),
    },
    closed,
  ),
  Type.Object(
    {
      batch: Type.Object(
        {
          ids: Type.Array(pointId),
          vectors: Type.Array(anyVector),
          payloads: opt(Type.Array(Type.Union([payload, Type.Null()]))),
        },
        closed,
      ),
      shard_key: noShardKey,
      update_filter: Type.Optional(Type.Null()),
    },
    closed,
  ),
]);

export const RetrieveBody = Type.Object(
  {
    ids: Type.Array(pointId),
    with_payload: opt(withPayload),
    with_vector: opt(withVector),
    shard_key: noShardKey,
  },
  closed,
);

/** Qdrant's PointsSelector: `{ points: [...] }` or `{ filter }`. */
export const PointsSelectorBody = Type.Union([
  Type.Object({ points: Type.Array(pointId), shard_key: noShardKey }, closed),
  Type.Object({ filter: filter, shard_key: noShardKey }, closed),
]);

export const SetPayloadBody = Type.Object(
  {
    payload: payload,
    points: opt(Type.Array(pointId)),
    filter: opt(filter),
    key: opt(Type.String({ minLength: 1 })),
    shard_key: noShardKey,
  },
  closed,
);

export const OverwritePayloadBody = Type.Object(
  {
    payload: payload,
    points: opt(Type.Array(pointId)),
    filter: opt(filter),
    shard_key: noShardKey,
  },
  closed,
);

export const DeletePayloadBody = Type.Object(
  {
    keys: Type.Array(Type.String()),
    points: opt(Type.Array(pointId)),
    filter: opt(filter),
    shard_key: noShardKey,
  },
  closed,
);

export const ScrollBody = Type.Object(
  {
    offset: opt(pointId),
    limit: opt(Type.Integer({ minimum: 1, maximum: 100_000 })),
    filter: opt(filter),
    with_payload: opt(withPayload),
    with_vector: opt(withVector),
    order_by: Type.Optional(Type.Null()),
    shard_key: noShardKey,
  },
  closed,
);

export const CountBody = Type.Object(
  { filter: opt(filter), exact: opt(Type.Boolean()), shard_key: noShardKey },
  closed,
);

const searchParams = Type.Object(
  {
    hnsw_ef: opt(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    exact: opt(Type.Boolean()),
    quantization: opt(
      Type.Object(
        {
          ignore: opt(Type.Boolean()),
          rescore: opt(Type.Boolean()),
          oversampling: opt(Type.Number({ minimum: 1, maximum: 1000 })),
        },
        closed,
      ),
    ),
    indexed_only: opt(Type.Boolean()),
  },
  closed,
);

const limit = opt(Type.Integer({ minimum: 1, maximum: 100_000 }));
const offset = opt(Type.Integer({ minimum: 0, maximum: 1_000_000 }));

export const SearchRequestSchema = Type.Object(
  {
    vector: denseVector,
    filter: opt(filter),
    params: opt(searchParams),
    limit: Type.Integer({ minimum: 1, maximum: 100_000 }),
    offset,
    with_payload: opt(withPayload),
    with_vector: opt(withVector),
    score_threshold: opt(Type.Number()),
    shard_key: noShardKey,
  },
  { ...closed, $id: 'SearchRequest' },
);

export const SearchBatchBody = Type.Object(
  { searches: Type.Array(Type.Ref('SearchRequest'), { maxItems: 1024 }) },
  closed,
);

/** `query`: a dense vector, a point id, or `{ nearest: vector | id }` (other Qdrant query kinds: 400). */
const queryInterface = Type.Union([
  denseVector,
  pointId,
  Type.Object({ nearest: Type.Union([denseVector, pointId]) }, closed),
]);

export const QueryRequestSchema = Type.Object(
  {
    query: opt(queryInterface),
    filter: opt(filter),
    params: opt(searchParams),
    limit,
    offset,
    with_payload: opt(withPayload),
    with_vector: opt(withVector),
    score_threshold: opt(Type.Number()),
    using: opt(Type.String()),
    prefetch: Type.Optional(Type.Null()),
    lookup_from: Type.Optional(Type.Null()),
    shard_key: noShardKey,
  },
  { ...closed, $id: 'QueryRequest' },
);

export const QueryBatchBody = Type.Object(
  { searches: Type.Array(Type.Ref('QueryRequest'), { maxItems: 1024 }) },
  closed,
);

/** Shared schemas registered once with `app.addSchema` so `$ref`s resolve in validation and OpenAPI. */
export const SHARED_SCHEMAS = [PointIdSchema, FilterSchema, SearchRequestSchema, QueryRequestSchema];
