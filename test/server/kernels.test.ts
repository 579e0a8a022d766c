/**
 * The kernel routes through inject(), on a real LevelDB database: exact density equals the hand sum, attention
 * with numeric and vector values, a coreset that follows upserts and deletes made through the points API,
 * matvec, and every 400 (PAYLOAD_KEY_INVALID, INVALID_ARGUMENT, DIMENSION_MISMATCH, BATCH_TOO_LARGE, unknown
 * keys) and the 404 for a missing collection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../index/database.js';
import { buildServer } from '../../server/app.js';
import { Rng } from '../../src/rng.js';

const D = 4;
const rng = new Rng(77);
/** Float32-exact coordinates, so the hand sums see exactly what the collection stores. */
const blob = (centre: number, n: number) =>
  Array.from({ length: n }, () => Array.from({ length: D }, () => Math.fround(centre + rng.gaussian())));
const A = blob(0, 60);
const B = blob(3, 20);
const points = [...A, ...B].map((vector, i) => ({
  id: i + 1,
  vector,
  payload: { w: 1 + (i % 4), v: i < 60 ? 0 : 10, vec: [i, 1], label: 'x' },
}));

describe('kernel routes', () => {
  let dir: string;
  let db: Database;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ditherdb-kernels-'));
    db = await Database.open(join(dir, 'db'));
    app = await buildServer({ database: db });
    const created = await app.inject({
      method: 'PUT',
      url: '/collections/k',
      payload: { vectors: { size: D, distance: 'Euclid' } },
    });
    expect(created.statusCode, created.body).toBe(200);
    const up = await app.inject({ method: 'PUT', url: '/collections/k/points', payload: { points } });
    expect(up.statusCode, up.body).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, payload: payload as object });
  const q0 = [0.5, -0.5, 1, 0];
  const q1 = [3, 3, 2.5, 3];

  it('exact density equals the hand computation', async () => {
    const sigma = 1.3;
    const res = await post('/collections/k/kernel/density', {
      queries: [q0, q1],
      kernel: { type: 'gaussian', bandwidth: sigma },
      method: 'exact',
      weight_key: 'w',
    });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json().result as { densities: number[]; errors: number[]; touched: number[] };
    [q0, q1].forEach((q, i) => {
      let s = 0;
      for (const p of points) {
        const d2 = p.vector.reduce((t, x, j) => t + (x - q[j]!) ** 2, 0);
        s += p.payload.w * Math.exp(-d2 / (2 * sigma * sigma));
      }
      expect(r.densities[i]! / (s / points.length)).toBeCloseTo(1, 9);
    });
    expect(r.errors).toEqual([0, 0]);
    expect(r.touched).toEqual([80, 80]);
  });

  it('sampling answers carry their error and sample count; a seed makes them repeatable', async () => {
    const body = {
      queries: [q0],
      kernel: { type: 'laplacian', bandwidth: 2 },
      method: 'sampling',
      samples: 30,
      seed: 5,
    };
    const a = (await post('/collections/k/kernel/density', body)).json().result;
    const b = (await post('/collections/k/kernel/density', body)).json().result;
    expect(a).toEqual(b);
    expect(a.touched).toEqual([30]);
    expect(a.errors[0]).toBeGreaterThan(0);
  });

  it('attention with numeric and vector values', async () => {
    const tau = 2;
    const logits = points.map((p) => p.vector.reduce((t, x, j) => t + x * q1[j]!, 0) / tau);
    const max = Math.max(...logits);
    const a = logits.map((l) => Math.exp(l - max));
    const z = a.reduce((s, x) => s + x, 0);
    const numeric = await post('/collections/k/kernel/attention', {
      queries: [q1],
      value_key: 'v',
      temperature: tau,
      method: 'exact',
    });
    expect(numeric.statusCode, numeric.body).toBe(200);
    const want = a.reduce((s, x, j) => s + x * points[j]!.payload.v, 0) / z;
    expect(numeric.json().result.outputs[0]).toBeCloseTo(want, 9);
    const vector = await post('/collections/k/kernel/attention', {
      queries: [q1, q0],
      value_key: 'vec',
      temperature: tau,
      method: 'exact',
    });
    const out = vector.json().result.outputs as number[][];
    expect(out).toHaveLength(2);
    expect(out[0]![0]).toBeCloseTo(a.reduce((s, x, j) => s + x * j, 0) / z, 9);
    expect(out[0]![1]).toBeCloseTo(1, 12);
  });

  it('a coreset follows upserts and deletes made through the points API', async () => {
    const ask = async () => {
      const res = await post('/collections/k/kernel/attention', {
        queries: [[6, 6, 6, 6]],
        value_key: 'v',
        temperature: 1,
        method: 'coreset',
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().result.outputs[0] as number;
    };
    // Toward B: its value 10 dominates (logits ≈ 72 against ≈ 0 for A).
    expect(await ask()).toBeCloseTo(10, 6);
    const del = await post('/collections/k/points/delete', { points: B.map((_, i) => 61 + i) });
    expect(del.statusCode, del.body).toBe(200);
    expect(await ask()).toBe(0);
    const added = blob(3, 10).map((vector, i) => ({
      id: 500 + i,
      vector,
      payload: { w: 1, v: -3, vec: [0, 1] },
    }));
    const up = await app.inject({ method: 'PUT', url: '/collections/k/points', payload: { points: added } });
    expect(up.statusCode, up.body).toBe(200);
    expect(await ask()).toBeCloseTo(-3, 6);
    // Put B back for the other tests.
    await app.inject({ method: 'PUT', url: '/collections/k/points', payload: { points: points.slice(60) } });
    await post('/collections/k/points/delete', { points: added.map((p) => p.id) });
  });

  it('matvec returns one value per query within its bound of the exact product', async () => {
    const res = await post('/collections/k/kernel/matvec', {
      queries: [q0, q1],
      kernel: { type: 'gaussian', bandwidth: 1 },
      weight_key: 'w',
      epsilon: 0.05,
      neighbours: 8,
      seed: 1,
    });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json().result as { values: number[]; bound: number };
    const exact = [q0, q1].map((q) =>
      points.reduce(
        (s, p) => s + p.payload.w * Math.exp(-p.vector.reduce((t, x, j) => t + (x - q[j]!) ** 2, 0) / 2),
        0,
      ),
    );
    const wNorm = Math.sqrt(points.reduce((s, p) => s + p.payload.w ** 2, 0));
    expect(r.bound).toBeCloseTo(0.05 * wNorm, 9);
    expect(Math.hypot(r.values[0]! - exact[0]!, r.values[1]! - exact[1]!)).toBeLessThanOrEqual(r.bound);
  });

  it('answers 400 with a code for every bad request and 404 for a missing collection', async () => {
    const g = { type: 'gaussian', bandwidth: 1 };
    const cases: [string, unknown, string][] = [
      [
        'density',
        { queries: [q0], kernel: g, method: 'exact', weight_key: 'missing' },
        'PAYLOAD_KEY_INVALID',
      ],
      ['density', { queries: [q0], kernel: g, method: 'exact', weight_key: 'label' }, 'PAYLOAD_KEY_INVALID'],
      ['matvec', { queries: [q0], kernel: g, weight_key: 'vec', epsilon: 0.1 }, 'PAYLOAD_KEY_INVALID'],
      [
        'attention',
        { queries: [q0], value_key: 'label', temperature: 1, method: 'exact' },
        'PAYLOAD_KEY_INVALID',
      ],
      [
        'density',
        { queries: [q0], kernel: { type: 'gaussian', bandwidth: 0 }, method: 'exact' },
        'INVALID_ARGUMENT',
      ],
      [
        'density',
        { queries: [q0], kernel: { type: 'laplacian', bandwidth: -2 }, method: 'ann' },
        'INVALID_ARGUMENT',
      ],
      [
        'matvec',
        { queries: [q0], kernel: { type: 'exponential', bandwidth: 0 }, weight_key: 'w', epsilon: 0.1 },
        'INVALID_ARGUMENT',
      ],
      ['attention', { queries: [q0], value_key: 'v', temperature: 0, method: 'exact' }, 'INVALID_ARGUMENT'],
      [
        'attention',
        { queries: [q0], value_key: 'v', temperature: -1, method: 'coreset' },
        'INVALID_ARGUMENT',
      ],
      ['density', { queries: [[1, 2, 3]], kernel: g, method: 'exact' }, 'DIMENSION_MISMATCH'],
      [
        'attention',
        { queries: [q0, [1, 2, 3, 4, 5]], value_key: 'v', temperature: 1, method: 'exact' },
        'DIMENSION_MISMATCH',
      ],
      ['matvec', { queries: [[1]], kernel: g, weight_key: 'w', epsilon: 0.1 }, 'DIMENSION_MISMATCH'],
      ['density', { queries: new Array(257).fill(q0), kernel: g, method: 'exact' }, 'BATCH_TOO_LARGE'],
      [
        'attention',
        { queries: new Array(300).fill(q0), value_key: 'v', temperature: 1, method: 'exact' },
        'BATCH_TOO_LARGE',
      ],
      [
        'matvec',
        { queries: new Array(257).fill(q0), kernel: g, weight_key: 'w', epsilon: 0.1 },
        'BATCH_TOO_LARGE',
      ],
    ];
    for (const [route, body, code] of cases) {
      const res = await post(`/collections/k/kernel/${route}`, body);
      expect(res.statusCode, `${route} ${JSON.stringify(body).slice(0, 120)}: ${res.body}`).toBe(400);
      expect(res.json().status.code).toBe(code);
    }
    // Shape errors: unknown key, unknown method, unknown kernel type.
    for (const body of [
      { queries: [q0], kernel: g, method: 'exact', extra: 1 },
      { queries: [q0], kernel: g, method: 'fast' },
      { queries: [q0], kernel: { type: 'cosine', bandwidth: 1 }, method: 'exact' },
    ]) {
      const res = await post('/collections/k/kernel/density', body);
      expect(res.statusCode, res.body).toBe(400);
    }
    // Exactly the limit is accepted.
    const full = await post('/collections/k/kernel/density', {
      queries: new Array(256).fill(q0),
      kernel: g,
      method: 'exact',
    });
    expect(full.statusCode, full.body).toBe(200);
    for (const route of ['density', 'attention', 'matvec']) {
      const res = await post(`/collections/nope/kernel/${route}`, {
        queries: [q0],
        kernel: g,
        method: 'exact',
        ...(route === 'attention' ? { value_key: 'v', temperature: 1, kernel: undefined } : {}),
        ...(route === 'matvec' ? { weight_key: 'w', epsilon: 0.1, method: undefined } : {}),
      });
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().status.code).toBe('COLLECTION_NOT_FOUND');
    }
  });
});
