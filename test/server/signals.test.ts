/** The signal routes through inject(): a plan from a prior, a reconstruction that recovers a bandlimited signal, 400s. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../index/database.js';
import { buildServer } from '../../server/app.js';

describe('signal routes', () => {
  let dir: string;
  let db: Database;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ditherdb-signals-'));
    db = await Database.open(join(dir, 'db'));
    app = await buildServer({ database: db });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, payload: payload as object });

  it('plans universal samples and reconstructs a bandlimited signal from them', async () => {
    const T = 10;
    const prior = { type: 'bandlimited', band: 1 };
    const planRes = await post('/signals/sample-plan', { T, prior, lambda: 1e-6, seed: 3 });
    expect(planRes.statusCode, planRes.body).toBe(200);
    const plan = planRes.json().result as {
      times: number[];
      weights: number[];
      statistical_dimension: number;
      count: number;
    };
    // s for band F on [0, T] is ≈ 2FT plus an edge term; the default count is ⌈8s⌉.
    expect(plan.statistical_dimension).toBeGreaterThan(20);
    expect(plan.statistical_dimension).toBeLessThan(40);
    expect(plan.count).toBe(Math.ceil(8 * plan.statistical_dimension));
    expect(plan.times).toHaveLength(plan.count);
    expect(plan.times.every((t, i) => t >= 0 && t <= T && (i === 0 || t >= plan.times[i - 1]!))).toBe(true);
    // A signal inside the band: a few sinusoids with frequencies ≤ 0.9.
    const f = (t: number) =>
      Math.sin(2 * Math.PI * 0.3 * t) + 0.5 * Math.cos(2 * Math.PI * 0.9 * t + 1) + 0.2;
    const grid = Array.from({ length: 200 }, (_, i) => 1 + (8 * i) / 199);
    const recRes = await post('/signals/reconstruct', {
      T,
      times: plan.times,
      values: plan.times.map(f),
      weights: plan.weights,
      prior,
      lambda: 1e-6,
      evaluate_at: grid,
    });
    expect(recRes.statusCode, recRes.body).toBe(200);
    const rec = recRes.json().result as { values: number[]; statistical_dimension: number };
    let err = 0;
    let norm = 0;
    grid.forEach((t, i) => {
      err += (rec.values[i]! - f(t)) ** 2;
      norm += f(t) ** 2;
    });
    expect(Math.sqrt(err / norm)).toBeLessThan(1e-2);
    expect(rec.statistical_dimension).toBeCloseTo(plan.statistical_dimension, 6);
  });

  it('answers bad priors, bad samples and unknown keys with 400 and a stable code', async () => {
    const bad = async (url: string, body: unknown, code: string) => {
      const res = await post(url, body);
      expect(res.statusCode, res.body).toBe(400);
      expect((res.json() as { status: { code: string } }).status.code).toBe(code);
    };
    await bad('/signals/sample-plan', { T: 10, prior: { type: 'weird' }, lambda: 1e-3 }, 'INVALID_PRIOR');
    await bad('/signals/sample-plan', { T: 10 }, 'INVALID_ARGUMENT');
    await bad('/signals/sample-plan', { T: -1, statistical_dimension: 4 }, 'INVALID_ARGUMENT');
    const base = {
      T: 10,
      times: [1, 2],
      values: [1, 2],
      prior: { type: 'bandlimited', band: 1 },
      lambda: 1e-3,
      evaluate_at: [1],
    };
    await bad('/signals/reconstruct', { ...base, prior: { type: 'bandlimited', band: -1 } }, 'INVALID_PRIOR');
    await bad('/signals/reconstruct', { ...base, values: [1] }, 'INVALID_ARGUMENT');
    await bad('/signals/reconstruct', { ...base, times: [], values: [] }, 'INVALID_ARGUMENT');
    // Unknown keys are rejected, never dropped (400, as on every route).
    await bad('/signals/reconstruct', { ...base, extra: 1 }, 'INVALID_ARGUMENT');
  });
});
