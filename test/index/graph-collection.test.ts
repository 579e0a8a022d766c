/**
 * The collection's kNN graph: built through the collection's search (IVF with the hnswlib-node coarse index),
 * the right neighbours and edge weights under every metric, stored beside the collection, reused while the
 * points are unchanged (in this process and after a reopen) and rebuilt after writes — including writes made
 * while no graph code was listening.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Collection } from '../../index/collection.js';
import { Database } from '../../index/database.js';
import {
  buildCollectionGraph,
  collectionFingerprint,
  loadCollectionGraph,
} from '../../index/graph/collection-graph.js';
import type { Metric } from '../../index/types.js';
import type { CsrGraph } from '../../src/graph/csr.js';
import { Rng } from '../../src/rng.js';
import { errorCode, tempDir } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function blobs(sizes: number[], centres: number[][], seed: number): number[][] {
  const rng = new Rng(seed);
  const out: number[][] = [];
  sizes.forEach((n, b) => {
    for (let i = 0; i < n; i++) out.push(centres[b]!.map((c) => c + rng.gaussian()));
  });
  return out;
}

function sqDist(a: number[], b: number[]): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j]! - b[j]!) ** 2;
  return s;
}

function hasEdge(g: CsrGraph, u: number, v: number): boolean {
  for (let p = g.offsets[u]!; p < g.offsets[u + 1]!; p++) if (g.targets[p] === v) return true;
  return false;
}

async function filled(db: Database, name: string, data: number[][], metric: Metric, flatThreshold = 20_000) {
  const c = await db.createCollection(name, { dimension: data[0]!.length, metric, index: { flatThreshold } });
  await c.upsert(data.map((vector, i) => ({ id: i + 1, vector })));
  await c.whenIndexed();
  return c;
}

describe('collection kNN graph', () => {
  it("holds each point's exact k nearest neighbours when built through the IVF + HNSW index", async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = await Database.open(t.path);
    const d = 12;
    const data = blobs([200, 200], [new Array(d).fill(0), new Array(d).fill(3)], 11);
    // Past flatThreshold the collection trains IVF: k-means lists and an hnswlib-node index over centroids.
    const c = await filled(db, 'ivf', data, 'l2', 100);
    expect(c.stats().trained).toBe(true);
    const k = 8;
    const progress: number[] = [];
    const g = await buildCollectionGraph(c, { k, nprobe: 16, onProgress: (done) => progress.push(done) });
    expect(g.source).toBe('built');
    expect(g.consistent).toBe(true);
    expect(g.ids).toEqual(data.map((_, i) => i + 1));
    expect(progress.at(-1)).toBe(data.length);
    expect(progress.length).toBeGreaterThan(data.length / 64);
    // Every exact neighbour (brute force) should be adjacent: node i's own list is in the union graph.
    // 16 of ~80 lists probed around tight blobs plus exact rerank lose only the odd boundary neighbour.
    let hit = 0;
    for (let i = 0; i < data.length; i++) {
      const exact = data
        .map((x, j) => ({ j, s: sqDist(x, data[i]!) }))
        .filter(({ j }) => j !== i)
        .sort((a, b) => a.s - b.s)
        .slice(0, k);
      for (const { j } of exact) if (hasEdge(g.graph, i, j)) hit++;
    }
    expect(hit / (data.length * k)).toBeGreaterThan(0.97);
    // Union symmetrization: every node keeps at least its own k neighbours; blobs 12 apart share no edge.
    let cross = 0;
    for (let u = 0; u < g.graph.nodes; u++) {
      expect(g.graph.offsets[u + 1]! - g.graph.offsets[u]!).toBeGreaterThanOrEqual(k);
      for (let p = g.graph.offsets[u]!; p < g.graph.offsets[u + 1]!; p++)
        if (u < 200 !== g.graph.targets[p]! < 200) cross++;
    }
    expect(cross).toBe(0);
    expect(g.nodeOf(1)).toBe(0);
    expect(g.nodeOf(999)).toBeUndefined();
    await db.close();
  });

  it('turns scores into Euclidean distances for l2, cosine and dot before weighing edges', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = await Database.open(t.path);
    const rng = new Rng(5);
    const data = Array.from({ length: 60 }, () => Array.from({ length: 6 }, () => rng.gaussian() + 1));
    for (const metric of ['l2', 'cosine', 'dot'] as const) {
      const c = await filled(db, metric, data, metric);
      const sigma = 0.7;
      const g = await buildCollectionGraph(c, { k: 5, weighting: 'gaussian', bandwidth: sigma });
      expect(g.bandwidth).toBe(sigma);
      const stored =
        metric === 'cosine'
          ? data.map((x) => x.map((v) => v / Math.sqrt(sqDist(x, [0, 0, 0, 0, 0, 0]))))
          : data;
      let worst = 0;
      for (let u = 0; u < g.graph.nodes; u++)
        for (let p = g.graph.offsets[u]!; p < g.graph.offsets[u + 1]!; p++) {
          const v = g.graph.targets[p]!;
          const want = Math.exp(-sqDist(stored[u]!, stored[v]!) / (2 * sigma * sigma));
          worst = Math.max(worst, Math.abs(g.graph.weights[p]! - want));
        }
      // Float32 storage: distances agree to ~1e-6 relative, weights to well under 1e-4.
      expect(worst, metric).toBeLessThan(1e-4);
    }
    await db.close();
  });

  it('reuses the stored graph until an upsert or delete, across reopen, and sees writes made while unobserved', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    let db = await Database.open(t.path);
    const data = blobs([80, 80], [new Array(8).fill(0), new Array(8).fill(4)], 3);
    let c: Collection = await filled(db, 'g', data, 'l2');
    const first = await loadCollectionGraph(c, { k: 6 });
    expect(first.source).toBe('built');
    expect((await loadCollectionGraph(c, { k: 6 })).source).toBe('memory');
    // Concurrent requests share one build: the second waits and finds the first's graph.
    const [a, b] = await Promise.all([loadCollectionGraph(c, { k: 7 }), loadCollectionGraph(c, { k: 7 })]);
    expect([a.source, b.source]).toEqual(['built', 'memory']);
    // Payload edits leave neighbours alone.
    await c.setPayload([1], { tag: 'x' });
    expect((await loadCollectionGraph(c, { k: 7 })).source).toBe('memory');
    expect((await loadCollectionGraph(c, { k: 7, rebuild: true })).source).toBe('built');
    // An upsert invalidates it, and so does a delete.
    await c.upsert([{ id: 1, vector: data[0]!.map((v) => v + 0.5) }]);
    expect((await loadCollectionGraph(c, { k: 7 })).source).toBe('built');
    await c.delete([2]);
    const afterDelete = await loadCollectionGraph(c, { k: 7 });
    expect(afterDelete.source).toBe('built');
    expect(afterDelete.graph.nodes).toBe(data.length - 1);
    expect(afterDelete.nodeOf(2)).toBeUndefined();

    // A new process: the stored graph is checked against the points' fingerprint, then reused.
    await db.close();
    db = await Database.open(t.path);
    c = db.collection('g');
    const reread = await loadCollectionGraph(c, { k: 7 });
    expect(reread.source).toBe('store');
    expect(Array.from(reread.graph.targets)).toEqual(Array.from(afterDelete.graph.targets));
    expect(Array.from(reread.graph.weights)).toEqual(Array.from(afterDelete.graph.weights));
    expect(reread.ids).toEqual(afterDelete.ids);
    // Other parameters replace it.
    expect((await loadCollectionGraph(c, { k: 5 })).source).toBe('built');

    // Writes while no graph code listens (another process, before the first graph request) are caught too.
    await db.close();
    db = await Database.open(t.path);
    await db.collection('g').upsert([{ id: 500, vector: data[5]! }]);
    await db.close();
    db = await Database.open(t.path);
    c = db.collection('g');
    const seen = await loadCollectionGraph(c, { k: 5 });
    expect(seen.source).toBe('built');
    expect(seen.nodeOf(500)).toBe(data.length - 1);
    await db.close();
  });

  it('fingerprints ids and vectors, not payloads', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = await Database.open(t.path);
    const c = await filled(
      db,
      'f',
      [
        [1, 2],
        [3, 4],
      ],
      'l2',
    );
    const f0 = await collectionFingerprint(c);
    await c.setPayload([1], { a: 1 });
    expect(await collectionFingerprint(c)).toBe(f0);
    await c.upsert([{ id: 2, vector: [3, 4.000001] }]);
    const f1 = await collectionFingerprint(c);
    expect(f1).not.toBe(f0);
    await c.upsert([{ id: 2, vector: [3, 4] }]);
    expect(await collectionFingerprint(c)).toBe(f0);
    await c.upsert([{ id: 3, vector: [3, 4] }]);
    await c.delete([2]);
    expect(await collectionFingerprint(c)).not.toBe(f0);
    await db.close();
  });

  it('rejects bad options and empty collections', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = await Database.open(t.path);
    const c = await db.createCollection('e', { dimension: 3 });
    expect(await errorCode(loadCollectionGraph(c))).toBe('INVALID_ARGUMENT');
    await c.upsert([{ id: 1, vector: [1, 0, 0] }]);
    for (const bad of [
      { k: 0 },
      { k: 1.5 },
      { k: 1001 },
      { symmetrize: 'both' },
      { weighting: 'cosine' },
      { bandwidth: -1 },
      { nprobe: 0 },
      { rebuild: 'yes' },
    ])
      expect(await errorCode(loadCollectionGraph(c, bad as never)), JSON.stringify(bad)).toBe(
        'INVALID_ARGUMENT',
      );
    // One point: a graph of one node and no edges.
    const one = await loadCollectionGraph(c);
    expect(one.graph.nodes).toBe(1);
    expect(one.graph.targets.length).toBe(0);
    await db.close();
  });
});

describe('walk pool regression: a request in flight keeps the process alive', () => {
  it('lets a script that awaits only a pool request finish (it exited with code 13 while the walks were pending)', () => {
    // The routes' parallel local clustering awaits the pool; the workers were unref'd even while busy, so a
    // process with nothing else to do exited mid-request with an unsettled top-level await.
    const url = (rel: string) => JSON.stringify(fileURLToPath(new URL(rel, import.meta.url)));
    const script = `
      const { WalkWorkerPool } = await import(${url('../../index/graph/walk-pool.ts')});
      const { csrFromGraph } = await import(${url('../../src/graph/csr.ts')});
      const pool = new WalkWorkerPool(csrFromGraph({ nodes: 3, edges: [[0, 1], [1, 2]] }), 1);
      const out = await pool.run({ starts: new Int32Array(30000), length: 2, seed: 1 });
      console.log(out.length);
      await pool.close();`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(String(30000 * 3));
  });
});
