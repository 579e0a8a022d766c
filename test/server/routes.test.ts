/**
 * Every route through inject() on a real LevelDB in a temp folder: Qdrant's shapes, the numbers that come
 * back (scores are exact distances on a small flat collection reranked from stored float32 originals), and
 * each error path with its code and status from the catalogue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Packr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../index/database.js';
import { buildServer } from '../../server/app.js';

interface Envelope<T = unknown> {
  result: T;
  status: string;
  time: number;
}
type Res = { statusCode: number; json(): unknown };

function result<T>(res: Res): T {
  expect(res.statusCode, JSON.stringify(res.json())).toBe(200);
  const body = res.json() as Envelope<T>;
  expect(body.status).toBe('ok');
  expect(body.time).toBeGreaterThanOrEqual(0);
  return body.result;
}
function code(res: Res): string {
  return (res.json() as { status: { code: string } }).status.code;
}

const UUID_A = '5c56c793-69f3-4fbf-87e6-c4bf54c28c26';

describe('routes on a real database', () => {
  let dir: string;
  let db: Database;
  let app: FastifyInstance;
  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, payload: payload as object });
  const put = (url: string, payload: unknown) =>
    app.inject({ method: 'PUT', url, payload: payload as object });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ditherdb-server-'));
    db = await Database.open(join(dir, 'db'));
    app = await buildServer({ database: db });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('collections', () => {
    it('creates, reports, lists, checks existence', async () => {
      expect(result(await put('/collections/line', { vectors: { size: 4, distance: 'Euclid' } }))).toBe(true);
      const info = result<{
        status: string;
        points_count: number;
        segments_count: number;
        config: { params: { vectors: { size: number; distance: string } } };
      }>(await app.inject({ method: 'GET', url: '/collections/line' }));
      expect(info.status).toBe('green');
      expect(info.points_count).toBe(0);
      expect(info.segments_count).toBe(1);
      expect(info.config.params.vectors).toMatchObject({ size: 4, distance: 'Euclid' });
      const list = result<{ collections: { name: string }[] }>(
        await app.inject({ method: 'GET', url: '/collections' }),
      );
      expect(list.collections.map((c) => c.name)).toContain('line');
      expect(result(await app.inject({ method: 'GET', url: '/collections/line/exists' }))).toEqual({
        exists: true,
      });
      expect(result(await app.inject({ method: 'GET', url: '/collections/nope/exists' }))).toEqual({
        exists: false,
      });
    });

    it('maps distances both ways and takes ditherdb settings under `ditherdb`', async () => {
      for (const [distance, name] of [
        ['Cosine', 'cos'],
        ['Dot', 'dot'],
      ] as const) {
        result(
          await put(`/collections/${name}`, {
            vectors: { size: 8, distance },
            ditherdb: { bits: 3, seed: 7 },
          }),
        );
        const info = result<{ config: { params: { vectors: { distance: string } } } }>(
          await app.inject({ method: 'GET', url: `/collections/${name}` }),
        );
        expect(info.config.params.vectors.distance).toBe(distance);
        const q = result<{
          bits: number;
          bitsPerDimension: number;
          ramBytesPerPoint: number;
          mseEstimate: number;
        }>(await app.inject({ method: 'GET', url: `/collections/${name}/quantization` }));
        expect(q.bits).toBe(3);
        expect(q.bitsPerDimension).toBeGreaterThanOrEqual(3);
        expect(q.ramBytesPerPoint).toBeGreaterThan(0);
        // A 3-bit lattice's relative MSE is of order 4^-3 (DESIGN §2: MSE·4^b between 1.78 and 2.85 for b = 3).
        expect(q.mseEstimate).toBeGreaterThan(0.5 / 64);
        expect(q.mseEstimate).toBeLessThan(6 / 64);
      }
      result(
        await put('/collections/scalar', {
          vectors: { size: 8, distance: 'Dot' },
          quantization_config: { scalar: { type: 'int8' } },
        }),
      );
      const q = result<{ bits: number }>(
        await app.inject({ method: 'GET', url: '/collections/scalar/quantization' }),
      );
      expect(q.bits).toBe(8);
    });

    it('refuses what it cannot honour', async () => {
      const cases: [unknown, number, string][] = [
        [{ vectors: { size: 4, distance: 'Euclid' } }, 409, 'COLLECTION_EXISTS'],
        [{ vectors: { size: 4, distance: 'Manhattan' } }, 400, 'INVALID_ARGUMENT'],
        [{ vectors: { a: { size: 4, distance: 'Dot' } } }, 400, 'INVALID_ARGUMENT'],
        [{ vectors: { size: 0, distance: 'Dot' } }, 400, 'INVALID_DIMENSION'],
        [{ vectors: { size: 4, distance: 'Dot' }, ditherdb: { bits: 9 } }, 422, 'VALIDATION_FAILED'],
        [{ vectors: { size: 4, distance: 'Dot' }, ditherdb: { bitz: 2 } }, 400, 'INVALID_ARGUMENT'],
        [
          { vectors: { size: 4, distance: 'Dot' }, quantization_config: { product: { compression: 'x4' } } },
          400,
          'INVALID_ARGUMENT',
        ],
        [
          {
            vectors: { size: 4, distance: 'Dot' },
            quantization_config: { binary: {} },
            ditherdb: { bits: 4 },
          },
          400,
          'INVALID_ARGUMENT',
        ],
        [{ vectors: { size: 4, distance: 'Dot' }, sparse_vectors: { s: {} } }, 400, 'INVALID_ARGUMENT'],
      ];
      for (const [body, status, c] of cases) {
        const name = status === 409 ? 'line' : 'refused';
        const res = await put(`/collections/${name}`, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(status);
        expect(code(res)).toBe(c);
      }
      expect(result(await app.inject({ method: 'GET', url: '/collections/refused/exists' }))).toEqual({
        exists: false,
      });
      for (const url of ['/collections/nope', '/collections/nope/quantization']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode).toBe(404);
        expect(code(res)).toBe('COLLECTION_NOT_FOUND');
      }
    });
  });

  describe('points on a line', () => {
    // Point i sits at (i, 0, 0, 0); Euclidean distances to the origin are the ids themselves.
    beforeAll(async () => {
      const points = Array.from({ length: 20 }, (_, i) => ({
        id: i,
        vector: [i, 0, 0, 0],
        payload: { parity: i % 2 === 0 ? 'even' : 'odd', i, nested: { tag: `t${i % 3}` } },
      }));
      const r = result<{ operation_id: number; status: string }>(
        await put('/collections/line/points?wait=true', { points }),
      );
      expect(r.status).toBe('completed');
      const b = result<{ operation_id: number }>(
        await put('/collections/line/points', {
          batch: {
            ids: [UUID_A, 100],
            vectors: [
              [0, 5, 0, 0],
              [0, 0, 7, 0],
            ],
            payloads: [{ parity: 'none' }, null],
          },
        }),
      );
      expect(b.operation_id).toBeGreaterThan(r.operation_id);
    });

    it('counts, with and without a filter', async () => {
      expect(result(await post('/collections/line/points/count', { exact: true }))).toEqual({ count: 22 });
      const even = { must: [{ key: 'parity', match: { value: 'even' } }] };
      expect(result(await post('/collections/line/points/count', { filter: even }))).toEqual({ count: 10 });
      const info = result<{ points_count: number }>(
        await app.inject({ method: 'GET', url: '/collections/line' }),
      );
      expect(info.points_count).toBe(22);
    });

    it('retrieves one point by integer or by any UUID spelling, and many with selection', async () => {
      const one = result<{ id: number; payload: { i: number }; vector: number[] }>(
        await app.inject({ method: 'GET', url: '/collections/line/points/3' }),
      );
      expect(one).toMatchObject({ id: 3, payload: { i: 3 }, vector: [3, 0, 0, 0] });
      const upper = UUID_A.toUpperCase().replaceAll('-', '');
      const u = result<{ id: string }>(
        await app.inject({ method: 'GET', url: `/collections/line/points/${upper}` }),
      );
      expect(u.id).toBe(UUID_A);
      const missing = await app.inject({ method: 'GET', url: '/collections/line/points/999' });
      expect(missing.statusCode).toBe(404);
      expect(code(missing)).toBe('POINT_NOT_FOUND');

      const many = result<{ id: number; payload?: Record<string, unknown>; vector?: number[] }[]>(
        await post('/collections/line/points', {
          ids: [4, 999, 5],
          with_payload: ['nested.tag'],
          with_vector: true,
        }),
      );
      expect(many.map((p) => p.id).sort()).toEqual([4, 5]);
      for (const p of many) {
        expect(p.payload).toEqual({ nested: { tag: `t${p.id % 3}` } });
        expect(p.vector).toEqual([p.id, 0, 0, 0]);
      }
      const bare = result<{ payload?: unknown; vector?: unknown }[]>(
        await post('/collections/line/points', { ids: [4], with_payload: false }),
      );
      expect(bare[0]?.payload ?? null).toBeNull();
      expect(bare[0]?.vector ?? null).toBeNull();
    });

    it('scrolls in id order (integers, then UUIDs) with next_page_offset', async () => {
      const seen: (number | string)[] = [];
      let offset: number | string | null = null;
      for (let page = 0; page < 10; page++) {
        const r: { points: { id: number | string }[]; next_page_offset: number | string | null } = result(
          await post('/collections/line/points/scroll', { limit: 7, offset, with_payload: false }),
        );
        seen.push(...r.points.map((p) => p.id));
        offset = r.next_page_offset;
        if (offset === null) break;
      }
      expect(seen).toEqual([...Array.from({ length: 20 }, (_, i) => i), 100, UUID_A]);
      const odd = result<{ points: { id: number }[] }>(
        await post('/collections/line/points/scroll', {
          filter: { must: [{ key: 'parity', match: { value: 'odd' } }] },
          limit: 3,
        }),
      );
      expect(odd.points.map((p) => p.id)).toEqual([1, 3, 5]);
    });

    it('searches: exact Euclidean distances, filter, offset, threshold, batch', async () => {
      const hits = result<{ id: number; score: number; version: number; payload?: unknown }[]>(
        await post('/collections/line/points/search', { vector: [0, 0, 0, 0], limit: 3 }),
      );
      expect(hits.map((h) => h.id)).toEqual([0, 1, 2]);
      for (const [i, h] of hits.entries()) {
        expect(h.score).toBeCloseTo(i, 4);
        expect(h.version).toBe(0);
      }
      expect(hits[0]?.payload ?? null).toBeNull(); // Qdrant's search default: no payload

      const filtered = result<{ id: number; payload: { parity: string } }[]>(
        await post('/collections/line/points/search', {
          vector: [10.2, 0, 0, 0],
          limit: 2,
          offset: 1,
          with_payload: true,
          filter: { must: [{ key: 'parity', match: { value: 'even' } }] },
        }),
      );
      // Even points by distance to 10.2: 10, 12, 8 …; offset 1 skips 10.
      expect(filtered.map((h) => h.id)).toEqual([12, 8]);
      expect(filtered.every((h) => h.payload.parity === 'even')).toBe(true);

      const near = result<{ id: number; score: number }[]>(
        await post('/collections/line/points/search', {
          vector: [0, 0, 0, 0],
          limit: 10,
          score_threshold: 2.5,
        }),
      );
      expect(near.map((h) => h.id)).toEqual([0, 1, 2]);

      const batch = result<{ id: number }[][]>(
        await post('/collections/line/points/search/batch', {
          searches: [
            { vector: [0, 0, 0, 0], limit: 1 },
            {
              vector: [19, 0, 0, 0],
              limit: 2,
              params: { hnsw_ef: 4, exact: true, quantization: { rescore: true, oversampling: 2 } },
            },
          ],
        }),
      );
      expect(batch.map((r) => r.map((h) => h.id))).toEqual([[0], [19, 18]]);
    });

    it('queries by vector, by id (the point itself left out), by { nearest }, and in batch', async () => {
      const byVector = result<{ points: { id: number; score: number }[] }>(
        await post('/collections/line/points/query', { query: [0, 0, 0, 0], limit: 2, with_payload: ['i'] }),
      );
      expect(byVector.points.map((p) => p.id)).toEqual([0, 1]);
      const byId = result<{ points: { id: number; score: number }[] }>(
        await post('/collections/line/points/query', { query: 7, limit: 2 }),
      );
      expect(byId.points.map((p) => p.id).sort((a, b) => a - b)).toEqual([6, 8]);
      for (const p of byId.points) expect(p.score).toBeCloseTo(1, 4);
      const nearest = result<{ points: { id: number }[] }>(
        await post('/collections/line/points/query', {
          query: { nearest: 19 },
          limit: 1,
          filter: { must: [{ key: 'parity', match: { value: 'even' } }] },
        }),
      );
      expect(nearest.points.map((p) => p.id)).toEqual([18]);
      const batch = result<{ points: { id: number }[] }[]>(
        await post('/collections/line/points/query/batch', {
          searches: [
            { query: { nearest: [3.1, 0, 0, 0] }, limit: 1 },
            { query: UUID_A, limit: 1 },
          ],
        }),
      );
      expect(batch[0]?.points.map((p) => p.id)).toEqual([3]);
      // UUID_A sits at (0,5,0,0): point i is √(i² + 25) away, point 100 at (0,0,7,0) is √74 away.
      expect(batch[1]?.points[0]?.id).toBe(0);
    });

    it('refuses bad searches with the right codes', async () => {
      const cases: [string, unknown, number, string | string[]][] = [
        ['/collections/line/points/search', { vector: [0, 0, 0], limit: 1 }, 400, 'DIMENSION_MISMATCH'],
        ['/collections/line/points/query', { query: [0, 0, 0, 0, 0] }, 400, 'DIMENSION_MISMATCH'],
        ['/collections/line/points/query', { query: 12345 }, 404, 'POINT_NOT_FOUND'],
        ['/collections/line/points/query', { query: -3 }, 400, 'INVALID_ID'],
        ['/collections/line/points/query', { limit: 3 }, 400, 'INVALID_ARGUMENT'],
        ['/collections/line/points/query', { query: [0, 0, 0, 0], using: 'image' }, 400, 'INVALID_ARGUMENT'],
        [
          '/collections/line/points/search',
          { vector: [0, 0, 0, 0], limit: 1, filter: { must: [{ key: 'a', matc: {} }] } },
          400,
          'INVALID_FILTER',
        ],
        [
          '/collections/line/points/search',
          { vector: [0, 0, 0, 0], limit: 1, with_payload: { include: 'x' } },
          400,
          'INVALID_ARGUMENT',
        ],
        [
          '/collections/line/points/search',
          { vector: [0, 0, 0, 0], limit: 1, params: { quantization: { ignore: true } } },
          400,
          'INVALID_ARGUMENT',
        ],
        ['/collections/nope/points/search', { vector: [0, 0, 0, 0], limit: 1 }, 404, 'COLLECTION_NOT_FOUND'],
      ];
      for (const [url, body, status, c] of cases) {
        const res = await post(url, body);
        expect(res.statusCode, `${url} ${JSON.stringify(body)}`).toBe(status);
        expect(Array.isArray(c) ? c : [c]).toContain(code(res));
      }
      // An id above 2^53 inside a filter (sent as raw JSON: JavaScript cannot even write the literal exactly);
      // the filter parser may call it a bad id or a bad filter, but never match point 2^53 by rounding.
      const raw = await app.inject({
        method: 'POST',
        url: '/collections/line/points/count',
        headers: { 'content-type': 'application/json' },
        payload: '{"filter":{"must":[{"has_id":[9007199254740993]}]}}',
      });
      expect(raw.statusCode).toBe(400);
      expect(['INVALID_FILTER', 'INVALID_ID']).toContain(code(raw));
    });

    it('refuses bad upserts without writing anything', async () => {
      const before = result<{ count: number }>(await post('/collections/line/points/count', {})).count;
      const cases: [unknown, number, string][] = [
        [{ points: [{ id: 200, vector: [1, 2, 3] }] }, 400, 'DIMENSION_MISMATCH'],
        [
          {
            points: [
              { id: 200, vector: [1, 2, 3, 4] },
              { id: -1, vector: [1, 2, 3, 4] },
            ],
          },
          400,
          'INVALID_ID',
        ],
        [{ points: [{ id: 9007199254740992, vector: [1, 2, 3, 4] }] }, 400, 'INVALID_ID'],
        [{ points: [{ id: 'nope', vector: [1, 2, 3, 4] }] }, 400, 'INVALID_ID'],
        [{ batch: { ids: [200, 201], vectors: [[1, 2, 3, 4]] } }, 400, 'INVALID_ARGUMENT'],
        [{ batch: { ids: [200], vectors: [[1, 2, 3, 4]], payloads: [] } }, 400, 'INVALID_ARGUMENT'],
        [{ points: [{ id: 200, vector: [1, 2, 3, 4], payload: [1] }] }, 400, 'INVALID_ARGUMENT'],
        [{ points: [{ id: 200, vector: { '': [1, 2, 3, 4] } }] }, 400, 'INVALID_ARGUMENT'],
      ];
      for (const [body, status, c] of cases) {
        const res = await put('/collections/line/points', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(status);
        expect(code(res)).toBe(c);
      }
      // JSON.parse turns 1e999 into Infinity: the schema refuses it (JSON Schema numbers are finite).
      const inf = await app.inject({
        method: 'PUT',
        url: '/collections/line/points',
        headers: { 'content-type': 'application/json' },
        payload: '{"points":[{"id":200,"vector":[1e999,0,0,0]}]}',
      });
      expect(inf.statusCode).toBe(400);
      expect(code(inf)).toBe('INVALID_ARGUMENT');
      const missing = await put('/collections/nope/points', { points: [] });
      expect(missing.statusCode).toBe(404);
      expect(result<{ count: number }>(await post('/collections/line/points/count', {})).count).toBe(before);
    });
  });

  describe('payload and deletes', () => {
    beforeAll(async () => {
      result(await put('/collections/pay', { vectors: { size: 2, distance: 'Dot' } }));
      result(
        await put('/collections/pay/points', {
          points: Array.from({ length: 6 }, (_, i) => ({
            id: i,
            vector: [1, i],
            payload: { a: i, keep: true },
          })),
        }),
      );
    });
    const payloadOf = async (id: number) =>
      result<{ payload: Record<string, unknown> }>(
        await app.inject({ method: 'GET', url: `/collections/pay/points/${id}` }),
      ).payload;

    it('sets (merge), sets under a key, overwrites, deletes keys, clears', async () => {
      result(await post('/collections/pay/points/payload', { payload: { b: 'x' }, points: [0, 1] }));
      expect(await payloadOf(0)).toEqual({ a: 0, keep: true, b: 'x' });
      result(await post('/collections/pay/points/payload', { payload: { c: 1 }, points: [0], key: 'inner' }));
      expect((await payloadOf(0)).inner).toEqual({ c: 1 });
      result(
        await put('/collections/pay/points/payload', {
          payload: { only: 1 },
          filter: { must: [{ key: 'a', match: { value: 1 } }] },
        }),
      );
      expect(await payloadOf(1)).toEqual({ only: 1 });
      result(await post('/collections/pay/points/payload/delete', { keys: ['keep'], points: [2, 3] }));
      expect(await payloadOf(2)).toEqual({ a: 2 });
      result(await post('/collections/pay/points/payload/clear', { points: [4] }));
      expect(await payloadOf(4)).toEqual({});
      expect(await payloadOf(5)).toEqual({ a: 5, keep: true });
    });

    it('refuses selectors with neither or both of points and filter', async () => {
      for (const body of [{ payload: { z: 1 } }, { payload: { z: 1 }, points: [1], filter: {} }]) {
        const res = await post('/collections/pay/points/payload', body);
        expect(res.statusCode).toBe(400);
        expect(code(res)).toBe('INVALID_ARGUMENT');
      }
      const res = await post('/collections/pay/points/payload/delete', { keys: ['a'] });
      expect(res.statusCode).toBe(400);
    });

    it('deletes by ids and by filter', async () => {
      result(await post('/collections/pay/points/delete', { points: [0, 1, 77] }));
      expect(result(await post('/collections/pay/points/count', {}))).toEqual({ count: 4 });
      result(
        await post('/collections/pay/points/delete', { filter: { must: [{ key: 'a', range: { gte: 4 } }] } }),
      );
      const left = result<{ points: { id: number }[] }>(
        await post('/collections/pay/points/scroll', { with_payload: false }),
      );
      // Point 4's payload was cleared above, so `a >= 4` no longer matches it.
      expect(left.points.map((p) => p.id)).toEqual([2, 3, 4]);
    });
  });

  it('ingests msgpack with Float32Array vectors and plain arrays, bit-exact', async () => {
    result(await put('/collections/mp', { vectors: { size: 3, distance: 'Euclid' } }));
    const packr = new Packr({ moreTypes: true, useRecords: false });
    const v = new Float32Array([0.1, -2.5, 3.3333]);
    const body = packr.pack({
      batch: { ids: [1, 2], vectors: [v, [1, 2, 3]], payloads: [{ k: 'a' }, null] },
    });
    const res = await app.inject({
      method: 'PUT',
      url: '/collections/mp/points',
      headers: { 'content-type': 'application/msgpack' },
      payload: body,
    });
    expect(result<{ status: string }>(res).status).toBe('completed');
    const got = result<{ id: number; vector: number[]; payload: Record<string, unknown> }>(
      await app.inject({ method: 'GET', url: '/collections/mp/points/1' }),
    );
    expect(got.vector).toEqual(Array.from(v));
    expect(got.payload).toEqual({ k: 'a' });
    const bad = await app.inject({
      method: 'PUT',
      url: '/collections/mp/points',
      headers: { 'content-type': 'application/msgpack' },
      payload: packr.pack({ points: [{ id: 3, vector: new Float32Array([1, Number.NaN, 0]) }] }),
    });
    expect(bad.statusCode).toBe(400);
    expect(code(bad)).toBe('NON_FINITE_VALUE');
  });

  it('drops collections: true, then false when absent', async () => {
    expect(result(await app.inject({ method: 'DELETE', url: '/collections/mp' }))).toBe(true);
    expect(result(await app.inject({ method: 'DELETE', url: '/collections/mp' }))).toBe(false);
    const res = await app.inject({ method: 'GET', url: '/collections/mp' });
    expect(res.statusCode).toBe(404);
  });
});

describe('a server that owns its database', () => {
  it('closes LevelDB on close(), so the folder can be reopened; /readyz answers 200 before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ditherdb-owned-'));
    try {
      const app = await buildServer({ dataPath: join(dir, 'db') });
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      result(
        await app.inject({
          method: 'PUT',
          url: '/collections/k',
          payload: { vectors: { size: 2, distance: 'Dot' } },
        }),
      );
      await app.close();
      const db = await Database.open(join(dir, 'db'));
      expect(db.listCollections()).toEqual(['k']);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
