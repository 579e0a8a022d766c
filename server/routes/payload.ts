/**
 * Payload routes (Qdrant v1.18): set (merge, optionally under a nested `key`), overwrite, delete keys, clear.
 * Each names its points by `points` or `filter`, exactly one of them.
 */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Payload } from '../../index/types.js';
import type { ServerContext } from '../app.js';
import { ok } from '../envelope.js';
import {
  CollectionNameParams,
  DeletePayloadBody,
  OverwritePayloadBody,
  PointsSelectorBody,
  SetPayloadBody,
  UpdateQuery,
} from '../schemas.js';
import { selectorFrom } from '../translate.js';
import { updated } from './points.js';

type NameParams = Static<typeof CollectionNameParams>;

export function registerPayloadRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const tags = ['payload'];
  const common = { tags, params: CollectionNameParams, querystring: UpdateQuery };

  app.post(
    '/collections/:name/points/payload',
    { schema: { ...common, summary: 'Set (merge) payload keys', body: SetPayloadBody } },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const body = req.body as Static<typeof SetPayloadBody>;
      const collection = ctx.db.collection(name);
      const selector = selectorFrom(body);
      if (body.key != null) await collection.setPayload(selector, body.payload as Payload, { key: body.key });
      else await collection.setPayload(selector, body.payload as Payload);
      return ok(reply, updated(ctx));
    },
  );

  app.put(
    '/collections/:name/points/payload',
    { schema: { ...common, summary: 'Overwrite the whole payload', body: OverwritePayloadBody } },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const body = req.body as Static<typeof OverwritePayloadBody>;
      const collection = ctx.db.collection(name);
      await collection.overwritePayload(selectorFrom(body), body.payload as Payload);
      return ok(reply, updated(ctx));
    },
  );

  app.post(
    '/collections/:name/points/payload/delete',
    { schema: { ...common, summary: 'Delete payload keys', body: DeletePayloadBody } },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const body = req.body as Static<typeof DeletePayloadBody>;
      const collection = ctx.db.collection(name);
      await collection.deletePayload(selectorFrom(body), body.keys);
      return ok(reply, updated(ctx));
    },
  );

  app.post(
    '/collections/:name/points/payload/clear',
    { schema: { ...common, summary: 'Remove every payload key', body: PointsSelectorBody } },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const collection = ctx.db.collection(name);
      await collection.clearPayload(selectorFrom(req.body as { points?: unknown[]; filter?: unknown }));
      return ok(reply, updated(ctx));
    },
  );
}
