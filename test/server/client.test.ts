/**
 * End to end: the server listening on 127.0.0.1 (port 0) and driven by the official @qdrant/js-client-rest
 * 1.18, as an application would use it — proof that the shapes, not only the routes, are Qdrant's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../server/listen.js';

const API_KEY = 'test-key-0123456789';
const DIM = 8;

/** Deterministic vectors: point i is e_(i mod 8) scaled by 1 + ⌊i/8⌋, so neighbours are known exactly. */
function vectorOf(i: number): number[] {
  const v = new Array<number>(DIM).fill(0);
  v[i % DIM] = 1 + Math.floor(i / DIM);
  return v;
}

describe('official Qdrant JS client against a listening server', () => {
  let dir: string;
  let server: RunningServer;
  let client: QdrantClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ditherdb-e2e-'));
    server = await startServer({ dataPath: join(dir, 'db'), host: '127.0.0.1', port: 0, apiKey: API_KEY });
    client = new QdrantClient({ url: server.url, apiKey: API_KEY, checkCompatibility: false });
  });
  afterAll(async () => {
    await server.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes the client version check (GET /)', async () => {
    const res = await fetch(`${server.url}/`, { headers: { 'api-key': API_KEY } });
    const body = (await res.json()) as { version: string };
    // The client's rule: same major, minor within one of its own 1.18.
    const [major, minor] = body.version.split('.').map(Number);
    expect(major).toBe(1);
    expect(Math.abs((minor ?? 0) - 18)).toBeLessThanOrEqual(1);
  });

  it('create, info, upsert, retrieve, search, query, scroll, count, payload, delete, drop', async () => {
    expect(await client.createCollection('docs', { vectors: { size: DIM, distance: 'Cosine' } })).toBe(true);
    expect((await client.collectionExists('docs')).exists).toBe(true);
    const names = (await client.getCollections()).collections.map((c) => c.name);
    expect(names).toContain('docs');

    const points = Array.from({ length: 40 }, (_, i) => ({
      id: i,
      vector: vectorOf(i),
      payload: { axis: i % DIM, group: i < 20 ? 'a' : 'b' },
    }));
    const up = await client.upsert('docs', { wait: true, points });
    expect(up.status).toBe('completed');
    await client.upsert('docs', {
      batch: {
        ids: [1000, 1001],
        vectors: [vectorOf(3), vectorOf(4)],
        payloads: [
          { axis: 3, group: 'c' },
          { axis: 4, group: 'c' },
        ],
      },
    });

    const info = await client.getCollection('docs');
    expect(info.points_count).toBe(42);
    expect(info.config.params.vectors).toMatchObject({ size: DIM, distance: 'Cosine' });

    const got = await client.retrieve('docs', { ids: [5, 1000], with_vector: true });
    expect(got.map((p) => p.id).sort()).toEqual([1000, 5]);
    const five = got.find((p) => p.id === 5);
    expect(five?.payload).toEqual({ axis: 5, group: 'a' });
    expect(five?.vector).toEqual(vectorOf(5));

    // Cosine: every point on axis 2 has similarity 1 with e_2, every other point 0.
    const hits = await client.search('docs', {
      vector: vectorOf(2),
      limit: 2,
      filter: { must: [{ key: 'group', match: { value: 'b' } }] },
      with_payload: true,
    });
    expect(hits.map((h) => h.id).sort()).toEqual([26, 34]); // the group-b points on axis 2
    for (const h of hits) {
      expect(h.payload).toMatchObject({ axis: 2, group: 'b' });
      expect(h.score).toBeCloseTo(1, 3);
    }

    const q = await client.query('docs', {
      query: 11, // axis 3; the point itself is left out
      limit: 10,
      score_threshold: 0.5,
      filter: { must_not: [{ key: 'group', match: { value: 'c' } }] },
      with_payload: ['axis'],
    });
    expect(q.points.map((p) => p.id).sort((a, b) => Number(a) - Number(b))).toEqual([3, 19, 27, 35]);
    for (const p of q.points) expect(p.payload).toEqual({ axis: 3 });

    const byVector = await client.query('docs', {
      query: { nearest: vectorOf(4) },
      limit: 6,
      score_threshold: 0.5,
    });
    expect(byVector.points.map((p) => p.id).sort((a, b) => Number(a) - Number(b))).toEqual([
      4,
      12,
      20,
      28,
      36,
      1000 + 1,
    ]);

    const page1 = await client.scroll('docs', { limit: 30, with_payload: false });
    expect(page1.points).toHaveLength(30);
    expect(page1.next_page_offset).toBe(30);
    const page2 = await client.scroll('docs', { limit: 30, offset: page1.next_page_offset ?? null });
    expect(page2.points.map((p) => p.id)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => 30 + i),
      1000,
      1001,
    ]);
    expect(page2.next_page_offset ?? null).toBeNull();

    expect(
      (await client.count('docs', { filter: { must: [{ key: 'axis', range: { gte: 6 } }] } })).count,
    ).toBe(10);

    await client.setPayload('docs', { points: [0], payload: { tagged: true } });
    expect((await client.retrieve('docs', { ids: [0] }))[0]?.payload).toEqual({
      axis: 0,
      group: 'a',
      tagged: true,
    });

    await client.delete('docs', { wait: true, filter: { must: [{ key: 'group', match: { value: 'c' } }] } });
    await client.delete('docs', { points: [0, 1] });
    expect((await client.count('docs')).count).toBe(38);

    expect(await client.deleteCollection('docs')).toBe(true);
    expect((await client.collectionExists('docs')).exists).toBe(false);
  });

  it('surfaces errors with Qdrant statuses', async () => {
    await expect(client.getCollection('missing')).rejects.toMatchObject({ status: 404 });
    await client.createCollection('dup', { vectors: { size: 2, distance: 'Dot' } });
    await expect(
      client.createCollection('dup', { vectors: { size: 2, distance: 'Dot' } }),
    ).rejects.toMatchObject({
      status: 409,
    });
    await expect(client.upsert('dup', { points: [{ id: 1, vector: [1, 2, 3] }] })).rejects.toMatchObject({
      status: 400,
    });
    await expect(client.search('dup', { vector: [1, 0], limit: 0 })).rejects.toMatchObject({ status: 422 });
  });

  it('refuses a client without the key, or with a wrong one; health probes stay open', async () => {
    const anonymous = new QdrantClient({ url: server.url, checkCompatibility: false });
    await expect(anonymous.getCollections()).rejects.toMatchObject({ status: 401 });
    const wrong = new QdrantClient({ url: server.url, apiKey: `${API_KEY}x`, checkCompatibility: false });
    await expect(wrong.getCollections()).rejects.toMatchObject({ status: 401 });
    const bearer = await fetch(`${server.url}/collections`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(bearer.status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});
