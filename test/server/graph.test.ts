/**
 * The graph routes through inject(): two well-separated blobs are split into exactly those blobs, a local
 * cluster grown from a seed in a small third blob recovers it, the stored graph is reused and invalidated by
 * an upsert, and bad requests get 404 / 400 with their codes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../index/database.js';
import { loadCollectionGraph } from '../../index/graph/collection-graph.js';
import { buildServer } from '../../server/app.js';
import { PARALLEL_WALK_STEPS } from '../../server/routes/graph.js';
import { localCluster } from '../../src/graph/local.js';
import { Rng } from '../../src/rng.js';

const D = 16;
const rng = new Rng(2026);
/** Unit Gaussian noise around a centre: in 16-d, pairs inside a blob are ≈ √32 ≈ 5.7 apart. */
const blob = (centre: number[], n: number) =>
  Array.from({ length: n }, () => centre.map((c) => c + rng.gaussian()));
// Centres 12 (A–B), 12 (A–C) and 17 (B–C) apart: every nearest neighbour lies in the point's own blob.
const A = blob(new Array(D).fill(0), 150);
const B = blob(new Array(D).fill(3), 150);
const C = blob(
  Array.from({ length: D }, (_, j) => (j < D / 2 ? -3 : 3)),
  30,
);

describe('graph routes', () => {
  let dir: string;
  let db: Database;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ditherdb-graph-'));
    db = await Database.open(join(dir, 'db'));
    app = await buildServer({ database: db });
    // Past flatThreshold the collection trains IVF, so neighbours come through the hnswlib-node coarse index.
    const c = await db.createCollection('blobs', {
      dimension: D,
      metric: 'l2',
      index: { flatThreshold: 200 },
    });
    await c.upsert([...A, ...B].map((vector, i) => ({ id: i + 1, vector })));
    await c.whenIndexed();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, payload: payload as object });
  const idsOf = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

  it('partitions two blobs into exactly those blobs, reuses the graph, and rebuilds it on request', async () => {
    expect(db.collection('blobs').stats().trained).toBe(true);
    const res = await post('/collections/blobs/graph/partition', {});
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json().result as {
      parts: number[][];
      cut_size: number;
      conductance: number;
      graph: { points: number; source: string; k_neighbors: number };
    };
    expect(r.graph).toMatchObject({ points: 300, source: 'built', k_neighbors: 10 });
    expect(r.parts.map((p) => [...p].sort((x, y) => x - y))).toEqual([idsOf(1, 150), idsOf(151, 150)]);
    // No kNN edge crosses between blobs 12 apart, so the split cuts nothing.
    expect(r.cut_size).toBe(0);
    expect(r.conductance).toBe(0);

    const again = await post('/collections/blobs/graph/partition', { laplacian: 'symmetric', cut: 'sweep' });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().result.graph.source).toBe('memory');
    expect(
      again
        .json()
        .result.parts.map((p: number[]) => p.length)
        .sort(),
    ).toEqual([150, 150]);

    const forced = await post('/collections/blobs/graph/partition', { rebuild: true, parts: 3 });
    expect(forced.statusCode, forced.body).toBe(200);
    expect(forced.json().result.graph.source).toBe('built');
    expect(forced.json().result.parts).toHaveLength(3);
  });

  it('grows a local cluster from a seed in a small third blob after the upsert that adds it', async () => {
    const c = db.collection('blobs');
    await c.upsert(C.map((vector, i) => ({ id: 1001 + i, vector })));
    await c.whenIndexed();
    const res = await post('/collections/blobs/graph/local-cluster', {
      seed_ids: [1005],
      walk_length: 12,
      walks: 2000,
      alpha: 0.1,
    });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json().result as {
      ids: number[];
      conductance: number;
      touched: number;
      graph: { points: number; source: string };
    };
    // The upsert made the stored graph stale: this request built a new one with the third blob in it.
    expect(r.graph).toMatchObject({ points: 330, source: 'built' });
    const truth = new Set(idsOf(1001, 30));
    const tp = r.ids.filter((id) => truth.has(id)).length;
    const f1 = (2 * tp) / (r.ids.length + truth.size);
    expect(f1).toBeGreaterThanOrEqual(0.9);
    expect(r.conductance).toBeLessThan(0.1);
    // Local: the walks stay in the seed's blob, far from touching all 330 points.
    expect(r.touched).toBeLessThanOrEqual(60);
    expect(r.touched).toBeGreaterThanOrEqual(tp);

    // 2^15 walks of 16 steps = 2^19 steps (PARALLEL_WALK_STEPS): drawn on worker threads, the same walks as on the calling thread.
    const big = { seed_ids: [1005], walk_length: 15, walks: 2 ** 15 };
    expect(2 ** 15 * 16).toBe(PARALLEL_WALK_STEPS);
    const par = await post('/collections/blobs/graph/local-cluster', big);
    expect(par.statusCode, par.body).toBe(200);
    const g = await loadCollectionGraph(c, { k: 10 });
    expect(g.source).toBe('memory');
    const local = localCluster(g.graph, [g.nodeOf(1005)!], { walkLength: 15, walks: 2 ** 15 });
    expect(par.json().result.ids).toEqual(local.nodes.map((node) => g.ids[node]));
    expect(par.json().result.conductance).toBe(local.conductance);
    expect(par.json().result.touched).toBe(local.touched);
  });

  it('answers 404 for a missing collection or seed, 400 for bad bodies', async () => {
    const missing = await post('/collections/nope/graph/partition', {});
    expect(missing.statusCode).toBe(404);
    expect(missing.json().status.code).toBe('COLLECTION_NOT_FOUND');
    const missingLocal = await post('/collections/nope/graph/local-cluster', { seed_ids: [1] });
    expect(missingLocal.statusCode).toBe(404);

    const seed = await post('/collections/blobs/graph/local-cluster', { seed_ids: [1, 99_999] });
    expect(seed.statusCode).toBe(404);
    expect(seed.json().status.code).toBe('POINT_NOT_FOUND');

    const badPartition = [
      { parts: 0 },
      { parts: 1.5 },
      { parts: 'two' },
      { parts: 100_000 },
      { k_neighbors: 0 },
      { k_neighbors: 5000 },
      { laplacian: 'normalized' },
      { cut: 'best' },
      { rebuild: 'yes' },
      { surprise: 1 },
    ];
    for (const body of badPartition) {
      const res = await post('/collections/blobs/graph/partition', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    const badLocal = [
      {},
      { seed_ids: [] },
      { seed_ids: 5 },
      { seed_ids: [-1] },
      { seed_ids: ['not-a-uuid'] },
      { seed_ids: [1], walks: 0 },
      { seed_ids: [1], walk_length: 0 },
      { seed_ids: [1], walks: 2 ** 27, walk_length: 16 },
      { seed_ids: [1], alpha: 1 },
      { seed_ids: [1], alpha: 'high' },
      { seed_ids: [1], k_neighbors: -3 },
      { seed_ids: [1], seeds: [2] },
    ];
    for (const body of badLocal) {
      const res = await post('/collections/blobs/graph/local-cluster', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
  });
});
