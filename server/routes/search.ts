/**
 * Search routes (Qdrant v1.18): the classic `points/search` (+ batch) and the universal `points/query`
 * (+ batch) for its nearest-neighbour forms — a vector, a point id, or `{ nearest: vector | id }`. A query by
 * id searches with that point's stored vector and leaves the point itself out of the results, as Qdrant does.
 * Scores follow Qdrant: similarity for Dot and Cosine, Euclidean distance for Euclid.
 */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Collection } from '../../index/collection.js';
import type { PointId, SearchOptions, VectorLike } from '../../index/types.js';
import { DitherError } from '../../src/errors.js';
import { normalizePointId } from '../../src/filter/index.js';
import type { ServerContext } from '../app.js';
import { ok } from '../envelope.js';
import {
  CollectionNameParams,
  QueryBatchBody,
  QueryRequestSchema,
  ReadQuery,
  SearchBatchBody,
  SearchRequestSchema,
} from '../schemas.js';
import { scoredPointOut, searchOptionsFrom } from '../translate.js';

type NameParams = Static<typeof CollectionNameParams>;
type SearchRequest = Static<typeof SearchRequestSchema>;
type QueryRequest = Static<typeof QueryRequestSchema>;

async function runSearch(ctx: ServerContext, collection: Collection, req: SearchRequest) {
  const options = searchOptionsFrom(req, collection);
  const hits = await ctx.searches.run(() => collection.search(req.vector, options));
  return hits.map(scoredPointOut);
}

/** The vector to search with, and the id to leave out when the query named a stored point. */
async function resolveQuery(
  collection: Collection,
  query: unknown,
): Promise<{ vector: VectorLike; exclude?: PointId }> {
  if (query == null) {
    throw new DitherError('INVALID_ARGUMENT', 'query: required (a vector, a point id, or { nearest })');
  }
  if (Array.isArray(query)) return { vector: query as number[] };
  if (typeof query === 'object') return resolveQuery(collection, (query as { nearest: unknown }).nearest);
  const id = normalizePointId(query, 'query');
  const [record] = await collection.get([id], { withPayload: false, withVector: true });
  if (record === undefined) throw new DitherError('POINT_NOT_FOUND', `query: no point with id ${id} found`);
  if (record.vector === undefined) {
    throw new DitherError(
      'INVALID_ARGUMENT',
      `query: point ${id} has no stored vector (collection created with storeVectors "none")`,
    );
  }
  return { vector: record.vector, exclude: id };
}

async function runQuery(ctx: ServerContext, collection: Collection, req: QueryRequest) {
  if (req.using != null && req.using !== '') {
    throw new DitherError(
      'INVALID_ARGUMENT',
      `using: named vectors are not supported (got ${JSON.stringify(req.using)})`,
    );
  }
  const { vector, exclude } = await resolveQuery(collection, req.query);
  const options: SearchOptions = searchOptionsFrom(req, collection);
  if (exclude !== undefined) {
    const notSelf = { has_id: [exclude] };
    options.filter =
      req.filter != null ? { must: [req.filter], must_not: [notSelf] } : { must_not: [notSelf] };
  }
  const hits = await ctx.searches.run(() => collection.search(vector, options));
  return { points: hits.map(scoredPointOut) };
}

export function registerSearchRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const tags = ['search'];
  const common = { tags, params: CollectionNameParams, querystring: ReadQuery };

  app.post(
    '/collections/:name/points/search',
    { schema: { ...common, summary: 'Nearest neighbours of a vector', body: SearchRequestSchema } },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      return ok(reply, await runSearch(ctx, ctx.db.collection(name), req.body as SearchRequest));
    },
  );

  app.post(
    '/collections/:name/points/search/batch',
    { schema: { ...common, summary: 'Several searches in one request', body: SearchBatchBody } },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const collection = ctx.db.collection(name);
      const { searches } = req.body as { searches: SearchRequest[] };
      const results = [];
      for (const s of searches) results.push(await runSearch(ctx, collection, s));
      return ok(reply, results);
    },
  );

  app.post(
    '/collections/:name/points/query',
    {
      schema: {
        ...common,
        summary: 'Universal query: nearest to a vector or to a stored point',
        body: QueryRequestSchema,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      return ok(reply, await runQuery(ctx, ctx.db.collection(name), req.body as QueryRequest));
    },
  );

  app.post(
    '/collections/:name/points/query/batch',
    { schema: { ...common, summary: 'Several queries in one request', body: QueryBatchBody } },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const collection = ctx.db.collection(name);
      const { searches } = req.body as { searches: QueryRequest[] };
      const results = [];
      for (const q of searches) results.push(await runQuery(ctx, collection, q));
      return ok(reply, results);
    },
  );
}
