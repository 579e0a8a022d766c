/**
 * Point routes (Qdrant v1.18): upsert (JSON or msgpack, list or batch form), retrieve one or many, delete,
 * scroll and count. Every write is one atomic batch in the library and completes before the reply, so
 * `?wait=false` is accepted and answered as completed.
 */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PointId } from '../../index/types.js';
import { DitherError } from '../../src/errors.js';
import { normalizePointId } from '../../src/filter/index.js';
import type { ServerContext } from '../app.js';
import { ok, type UpdateResult } from '../envelope.js';
import { MSGPACK_TYPES } from '../msgpack.js';
import {
  CollectionNameParams,
  CountBody,
  PointParams,
  PointsSelectorBody,
  ReadQuery,
  RetrieveBody,
  ScrollBody,
  TimeoutQuery,
  UpdateQuery,
  UpsertBody,
  UpsertBodyMsgpack,
} from '../schemas.js';
import { pointsFromUpsertBody, selectorFrom } from '../translate.js';

type NameParams = Static<typeof CollectionNameParams>;

/** `/points/{id}`: digits are an integer id (refused at or above 2^53), anything else must be a UUID. */
export function pointIdFromPath(raw: string): PointId {
  if (/^[0-9]+$/.test(raw)) return normalizePointId(Number(raw), 'id');
  return normalizePointId(raw, 'id');
}

export function updated(ctx: ServerContext): UpdateResult {
  return { operation_id: ctx.nextOperationId(), status: 'completed' };
}

export function registerPointRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const tags = ['points'];
  const msgpackContent = Object.fromEntries(MSGPACK_TYPES.map((t) => [t, { schema: UpsertBodyMsgpack }]));

  app.put(
    '/collections/:name/points',
    {
      schema: {
        summary: 'Upsert points (list or batch form; JSON or msgpack with Float32Array vectors)',
        tags,
        params: CollectionNameParams,
        querystring: UpdateQuery,
        body: { content: { 'application/json': { schema: UpsertBody }, ...msgpackContent } },
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const collection = ctx.db.collection(name);
      await collection.upsert(pointsFromUpsertBody(req.body as Parameters<typeof pointsFromUpsertBody>[0]));
      return ok(reply, updated(ctx));
    },
  );

  app.get(
    '/collections/:name/points/:id',
    {
      schema: {
        summary: 'Retrieve one point (payload and vector)',
        tags,
        params: PointParams,
        querystring: ReadQuery,
      },
    },
    async (req, reply) => {
      const { name, id: rawId } = req.params as Static<typeof PointParams>;
      const id = pointIdFromPath(rawId);
      const collection = ctx.db.collection(name);
      const withVector = collection.config.storeVectors !== 'none';
      const [record] = await collection.get([id], { withPayload: true, withVector });
      if (record === undefined) throw new DitherError('POINT_NOT_FOUND', `No point with id ${id} found`);
      return ok(reply, record);
    },
  );

  app.post(
    '/collections/:name/points',
    {
      schema: {
        summary: 'Retrieve points by id (missing ids are skipped)',
        tags,
        params: CollectionNameParams,
        querystring: ReadQuery,
        body: RetrieveBody,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const body = req.body as Static<typeof RetrieveBody>;
      const collection = ctx.db.collection(name);
      const records = await collection.get(body.ids as PointId[], {
        withPayload: body.with_payload ?? true,
        withVector: body.with_vector ?? false,
      });
      return ok(reply, records);
    },
  );

  app.post(
    '/collections/:name/points/delete',
    {
      schema: {
        summary: 'Delete points by ids or filter',
        tags,
        params: CollectionNameParams,
        querystring: UpdateQuery,
        body: PointsSelectorBody,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const collection = ctx.db.collection(name);
      await collection.delete(selectorFrom(req.body as { points?: unknown[]; filter?: unknown }));
      return ok(reply, updated(ctx));
    },
  );

  app.post(
    '/collections/:name/points/scroll',
    {
      schema: {
        summary: 'Page through points in id order',
        tags,
        params: CollectionNameParams,
        querystring: ReadQuery,
        body: ScrollBody,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const body = (req.body ?? {}) as Static<typeof ScrollBody>;
      const collection = ctx.db.collection(name);
      const page = await collection.scroll({
        limit: body.limit ?? 10,
        ...(body.offset != null ? { offset: body.offset as PointId } : {}),
        ...(body.filter != null ? { filter: body.filter } : {}),
        withPayload: body.with_payload ?? true,
        withVector: body.with_vector ?? false,
      });
      return ok(reply, { points: page.points, next_page_offset: page.nextOffset });
    },
  );

  app.post(
    '/collections/:name/points/count',
    {
      schema: {
        summary: 'Count points (always exact)',
        tags,
        params: CollectionNameParams,
        querystring: TimeoutQuery,
        body: CountBody,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const body = (req.body ?? {}) as Static<typeof CountBody>;
      const collection = ctx.db.collection(name);
      return ok(reply, { count: await collection.count(body.filter ?? undefined) });
    },
  );
}
