/**
 * Collection routes (Qdrant v1.18): list, info, exists, create, delete, plus ditherdb's quantization report.
 */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../app.js';
import { ok } from '../envelope.js';
import { CollectionNameParams, CreateCollectionBody, TimeoutQuery } from '../schemas.js';
import { collectionInfo, createOptionsFromBody } from '../translate.js';

type NameParams = Static<typeof CollectionNameParams>;

export function registerCollectionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const tags = ['collections'];

  app.get('/collections', { schema: { summary: 'List collections', tags } }, async (_req, reply) =>
    ok(reply, { collections: ctx.db.listCollections().map((name: string) => ({ name })) }),
  );

  app.get(
    '/collections/:name',
    {
      schema: {
        summary: 'Collection info (Qdrant shape plus a ditherdb section)',
        tags,
        params: CollectionNameParams,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      return ok(reply, collectionInfo(ctx.db.collection(name)));
    },
  );

  app.get(
    '/collections/:name/exists',
    { schema: { summary: 'Whether a collection exists', tags, params: CollectionNameParams } },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      return ok(reply, { exists: ctx.db.hasCollection(name) });
    },
  );

  app.put(
    '/collections/:name',
    {
      schema: {
        summary: 'Create a collection',
        description:
          'Qdrant create body; `vectors` must be one unnamed { size, distance } (Cosine, Dot, Euclid). ditherdb settings go under `ditherdb`.',
        tags,
        params: CollectionNameParams,
        querystring: TimeoutQuery,
        body: CreateCollectionBody,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const options = createOptionsFromBody(req.body as Parameters<typeof createOptionsFromBody>[0]);
      await ctx.db.createCollection(name, options);
      return ok(reply, true);
    },
  );

  app.delete(
    '/collections/:name',
    {
      schema: {
        summary: 'Delete a collection (result false when absent)',
        tags,
        params: CollectionNameParams,
        querystring: TimeoutQuery,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      return ok(reply, await ctx.db.dropCollection(name));
    },
  );

  app.get(
    '/collections/:name/quantization',
    {
      schema: {
        summary:
          'ditherdb: quantizer bits, kind, bits per original dimension, RAM bytes per point, MSE estimate',
        tags: ['ditherdb'],
        params: CollectionNameParams,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const collection = ctx.db.collection(name);
      return ok(reply, { ...collection.quantizationInfo(), dimension: collection.config.dimension });
    },
  );
}
