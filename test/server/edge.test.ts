/**
 * The HTTP edge without touching storage: envelope, error codes and statuses for malformed input, auth,
 * body limits, content types, OpenAPI and metrics. A request that fails validation must never reach the
 * database, so these run against a database object that throws if it is ever used.
 */
import type { FastifyInstance } from 'fastify';
import { Packr, pack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../index/database.js';
import { buildServer } from '../../server/app.js';

const untouchable = new Proxy(
  {},
  {
    get(_t, prop) {
      throw new Error(`database.${String(prop)} used by a request that should have been refused`);
    },
  },
) as unknown as Database;

function errorCode(res: { json(): unknown }): string {
  return (res.json() as { status: { code: string } }).status.code;
}

describe('server edge (no storage)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildServer({ database: untouchable, bodyLimit: 4096 });
  });
  afterAll(async () => {
    await app.close();
  });

  it('GET / reports a Qdrant 1.18 version and its own version', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { title: string; version: string; ditherdb_version: string };
    expect(body.title).toBe('ditherdb');
    expect(body.version).toMatch(/^1\.18\./);
    expect(body.ditherdb_version).toMatch(/^\d+\.\d+\.\d+/);
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it('echoes a caller-supplied x-request-id', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it.each([
    ['unknown top-level key', '/collections/c/points/search', { vector: [1], limit: 1, top: 3 }],
    ['unknown key in params', '/collections/c/points/search', { vector: [1], limit: 1, params: { ef: 3 } }],
    ['wrong type', '/collections/c/points/search', { vector: 'abc', limit: 1 }],
    ['missing required key', '/collections/c/points/search', { limit: 1 }],
    ['fractional limit', '/collections/c/points/query', { query: [1], limit: 1.5 }],
    ['string id list', '/collections/c/points/delete', { points: 'abc' }],
    [
      'named vector in search',
      '/collections/c/points/search',
      { vector: { name: 'a', vector: [1] }, limit: 1 },
    ],
    ['prefetch in query', '/collections/c/points/query', { query: [1], prefetch: [{ query: [1] }] }],
    ['shard key', '/collections/c/points/count', { shard_key: 'a' }],
    ['both points and filter in delete', '/collections/c/points/delete', { points: [1], filter: {} }],
  ])('%s → 400 INVALID_ARGUMENT in the Qdrant error envelope', async (_name, url, body) => {
    const res = await app.inject({ method: 'POST', url, payload: body });
    expect(res.statusCode).toBe(400);
    const json = res.json() as { status: { error: string; code: string }; time: number };
    expect(json.status.code).toBe('INVALID_ARGUMENT');
    expect(typeof json.status.error).toBe('string');
    expect(json.time).toBeGreaterThanOrEqual(0);
  });

  it('names the unknown key in the message', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/collections/c/points/scroll',
      payload: { limit: 2, with_paylod: true },
    });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { status: { error: string } }).status.error).toContain('with_paylod');
  });

  it.each([
    ['limit 0', '/collections/c/points/search', { vector: [1], limit: 0 }],
    ['negative offset', '/collections/c/points/query', { query: [1], offset: -1 }],
    [
      'oversampling below 1',
      '/collections/c/points/search',
      { vector: [1], limit: 1, params: { quantization: { oversampling: 0.5 } } },
    ],
  ])('%s → 422 VALIDATION_FAILED', async (_name, url, body) => {
    const res = await app.inject({ method: 'POST', url, payload: body });
    expect(res.statusCode).toBe(422);
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
  });

  it('rejects unknown query-string parameters and non-boolean wait', async () => {
    const a = await app.inject({
      method: 'PUT',
      url: '/collections/c/points?wait=yes',
      payload: { points: [] },
    });
    expect(a.statusCode).toBe(400);
    const b = await app.inject({
      method: 'PUT',
      url: '/collections/c/points?fast=1',
      payload: { points: [] },
    });
    expect(b.statusCode).toBe(400);
  });

  it('malformed JSON → 400', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/collections/c/points/count',
      headers: { 'content-type': 'application/json' },
      payload: '{"filter": ',
    });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('INVALID_ARGUMENT');
  });

  it('a body over the limit → 413 PAYLOAD_TOO_LARGE', async () => {
    const vector = Array.from({ length: 2000 }, () => 0.5);
    const res = await app.inject({
      method: 'PUT',
      url: '/collections/c/points',
      payload: { points: [{ id: 1, vector }] },
    });
    expect(res.statusCode).toBe(413);
    expect(errorCode(res)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('an unknown content type → 415', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: '/collections/c/points',
      headers: { 'content-type': 'text/csv' },
      payload: '1,2,3',
    });
    expect(res.statusCode).toBe(415);
    expect(errorCode(res)).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('msgpack: typed arrays outside vector slots, binary and garbage are 400', async () => {
    const packr = new Packr({ moreTypes: true, useRecords: false });
    const bad = [
      packr.pack({ points: [{ id: 1, vector: [1], payload: { x: new Float32Array([1]) } }] }),
      packr.pack({ points: [{ id: 1, vector: [1], payload: { x: Buffer.from([1, 2]) } }] }),
      Buffer.from([0xc1, 0xc1, 0xc1]),
    ];
    for (const payload of bad) {
      const res = await app.inject({
        method: 'PUT',
        url: '/collections/c/points',
        headers: { 'content-type': 'application/msgpack' },
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('INVALID_ARGUMENT');
    }
    // An unknown key is refused over msgpack too.
    const res = await app.inject({
      method: 'PUT',
      url: '/collections/c/points',
      headers: { 'content-type': 'application/msgpack' },
      payload: pack({ points: [], extra: 1 }),
    });
    expect(res.statusCode).toBe(400);
  });

  it('unknown routes → 404 ROUTE_NOT_FOUND', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(errorCode(res)).toBe('ROUTE_NOT_FOUND');
  });

  it('GET /points/{id} with an integer at or above 2^53, or a non-UUID → 400 INVALID_ID before any lookup', async () => {
    for (const id of ['9007199254740992', '18446744073709551615', 'not-a-uuid', '-1']) {
      const res = await app.inject({ method: 'GET', url: `/collections/c/points/${id}` });
      expect(res.statusCode, id).toBe(400);
      expect(errorCode(res)).toBe('INVALID_ID');
    }
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const [path, method] of [
      ['/collections/{name}', 'put'],
      ['/collections/{name}/points', 'put'],
      ['/collections/{name}/points/query', 'post'],
      ['/collections/{name}/points/search/batch', 'post'],
      ['/collections/{name}/points/payload', 'put'],
      ['/collections/{name}/quantization', 'get'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    const docs = await app.inject({ method: 'GET', url: '/docs' });
    expect(docs.statusCode).toBeLessThan(400);
  });

  it('exports Prometheus metrics labelled by route template', async () => {
    await app.inject({ method: 'POST', url: '/collections/some-name/points/search', payload: { limit: 0 } });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(
      /ditherdb_http_requests_total\{method="POST",route="\/collections\/:name\/points\/search",status_code="4\d\d"\} [1-9]/,
    );
    expect(res.body).toContain('ditherdb_http_request_duration_seconds_bucket');
    expect(res.body).not.toContain('some-name');
  });
});

describe('API key', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildServer({ database: untouchable, apiKey: 's3cret-key' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('guards every route but /healthz and /readyz', async () => {
    for (const url of ['/', '/collections', '/metrics', '/openapi.json', '/docs']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(errorCode(res)).toBe('UNAUTHORIZED');
    }
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('accepts the key in api-key or as a Bearer token, refuses wrong ones', async () => {
    const ok1 = await app.inject({ method: 'GET', url: '/', headers: { 'api-key': 's3cret-key' } });
    expect(ok1.statusCode).toBe(200);
    const ok2 = await app.inject({
      method: 'GET',
      url: '/',
      headers: { authorization: 'Bearer s3cret-key' },
    });
    expect(ok2.statusCode).toBe(200);
    for (const headers of [
      { 'api-key': 's3cret-ke' },
      { 'api-key': 's3cret-key ' },
      { 'api-key': '' },
      { authorization: 's3cret-key' },
      { authorization: 'Basic s3cret-key' },
    ]) {
      const res = await app.inject({ method: 'GET', url: '/', headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
    }
  });

  it('checks the key before validating the body', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/collections/c/points/search',
      payload: { nope: 1 },
    });
    expect(res.statusCode).toBe(401);
  });
});

describe('buildServer options', () => {
  it('refuses both or neither of database/dataPath, a bad bodyLimit and an empty key', async () => {
    await expect(buildServer({})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(buildServer({ database: untouchable, dataPath: '/tmp/x' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(buildServer({ database: untouchable, bodyLimit: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(buildServer({ database: untouchable, apiKey: '' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('Limiter', () => {
  it('never runs more than `limit` tasks at once and runs them in arrival order', async () => {
    const { Limiter } = await import('../../server/limiter.js');
    const limiter = new Limiter(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) =>
      limiter.run(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        if (i === 3) throw new Error('task 3 fails');
        return i;
      });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => task(i)));
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(limiter.queued).toBe(0);
    // A failed task releases its slot: the limiter is still usable at full width.
    expect(await Promise.all([limiter.run(async () => 1), limiter.run(async () => 2)])).toEqual([1, 2]);
  });
});
