/**
 * The model routes through inject(), on a real LevelDB database: a regression model of y = sin(x0) + x1² with a
 * small held-out error, classification returning the stored labels, 202 then progress to 1, a count answered
 * while a long training runs, the model after close/reopen, and the 404/409/400 answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../index/database.js';
import { buildServer } from '../../server/app.js';
import { Rng } from '../../src/rng.js';

const D = 3;
const f = (v: readonly number[]) => Math.sin(v[0]!) + v[1]! ** 2;
const rng = new Rng(21);
const vec = () => Array.from({ length: D }, () => Math.fround(rng.gaussian()));
const N = 1200;

describe('model routes', () => {
  let dir: string;
  let db: Database;
  let app: FastifyInstance;
  const inject = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  const code = (res: { json(): unknown }) => (res.json() as { status: { code: string } }).status.code;
  const spec = {
    name: 'smooth',
    target_key: 'y',
    task: 'regression',
    features: { type: 'rff', count: 300, kernel: 'gaussian', bandwidth: 1.5 },
    lambda: 0.01,
  };
  const waitReady = async (collection: string, model: string) => {
    for (;;) {
      const res = await inject('GET', `/collections/${collection}/models/${model}`);
      const r = res.json().result as { status: string; progress: number };
      if (r.status !== 'training') return res.json().result;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ditherdb-models-'));
    db = await Database.open(join(dir, 'db'));
    app = await buildServer({ database: db });
    expect(
      (await inject('PUT', '/collections/r', { vectors: { size: D, distance: 'Euclid' } })).statusCode,
    ).toBe(200);
    const points = Array.from({ length: N }, (_, i) => {
      const v = vec();
      return { id: i, vector: v, payload: { y: f(v), label: v[0]! < 0 ? 'neg' : 'pos' } };
    });
    const put = await inject('PUT', '/collections/r/points', { points });
    expect(put.statusCode, put.body).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains (202 at once), reports progress 1 and metrics, and predicts held-out vectors closely', async () => {
    const res = await inject('POST', '/collections/r/models', spec);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().result).toEqual({ name: 'smooth', status: 'training' });
    const info = await waitReady('r', 'smooth');
    expect(info.status).toBe('ready');
    expect(info.progress).toBe(1);
    expect(info.spec).toEqual(spec);
    expect(typeof info.trained_at).toBe('string');
    expect(info.metrics.rows).toBe(N);
    expect(info.metrics.train_r2).toBeGreaterThan(0.95);

    const test = Array.from({ length: 200 }, vec);
    const p = await inject('POST', '/collections/r/models/smooth/predict', { vectors: test });
    expect(p.statusCode, p.body).toBe(200);
    const predictions = p.json().result.predictions as number[];
    let se = 0;
    let spread = 0;
    const mean = test.reduce((s, x) => s + f(x), 0) / test.length;
    test.forEach((x, i) => {
      se += (predictions[i]! - f(x)) ** 2;
      spread += (f(x) - mean) ** 2;
    });
    // RMSE relative to sd(y): 1 for the mean predictor; ≈ 0.1 measured for this D and n.
    expect(Math.sqrt(se / spread)).toBeLessThan(0.2);

    const byIds = await inject('POST', '/collections/r/models/smooth/predict', { ids: [0, 5] });
    expect(byIds.json().result.predictions).toHaveLength(2);
    const list = await inject('GET', '/collections/r/models');
    expect(list.json().result.models.map((m: { name: string }) => m.name)).toEqual(['smooth']);
  });

  it('classifies with the labels stored in the payloads', async () => {
    const res = await inject('POST', '/collections/r/models', {
      name: 'sign',
      target_key: 'label',
      task: 'classification',
      features: { type: 'rff', count: 200, kernel: 'gaussian', bandwidth: 1 },
      lambda: 0.01,
    });
    expect(res.statusCode, res.body).toBe(202);
    expect((await waitReady('r', 'sign')).status).toBe('ready');
    // Points 1.2 from the boundary x0 = 0, inside the bulk of the training data (|x1|, |x2| < 1).
    const test = Array.from({ length: 100 }, (_, i) => [
      i % 2 === 0 ? -1.2 : 1.2,
      2 * rng.next() - 1,
      2 * rng.next() - 1,
    ]);
    const p = await inject('POST', '/collections/r/models/sign/predict', { vectors: test });
    const predictions = p.json().result.predictions as string[];
    expect(new Set(predictions)).toEqual(new Set(['neg', 'pos']));
    const wrong = predictions.filter((l, i) => l !== (test[i]![0]! < 0 ? 'neg' : 'pos')).length;
    expect(wrong).toBeLessThanOrEqual(1);
  });

  it('answers other requests while a long training runs; predict is 409 until ready; delete', async () => {
    const slow = {
      name: 'slow',
      target_key: 'y',
      task: 'regression',
      features: { type: 'exact', kernel: 'gaussian', bandwidth: 1.5 },
      lambda: 0.001,
    };
    expect((await inject('POST', '/collections/r/models', slow)).statusCode).toBe(202);
    const dup = await inject('POST', '/collections/r/models', slow);
    expect([dup.statusCode, code(dup)]).toEqual([409, 'MODEL_EXISTS']);
    const t0 = performance.now();
    const count = await inject('POST', '/collections/r/points/count', { exact: true });
    const countMs = performance.now() - t0;
    expect(count.json().result).toEqual({ count: N });
    const during = await inject('POST', '/collections/r/models/slow/predict', { vectors: [[0, 0, 0]] });
    expect([during.statusCode, code(during)]).toEqual([409, 'MODEL_NOT_READY']);
    expect((await inject('GET', '/collections/r/models/slow')).json().result.status).toBe('training');
    const info = await waitReady('r', 'slow');
    expect(info.status).toBe('ready');
    // Exact KRR spends most of its time in one n³/3 Cholesky step that does not yield: on the event loop the
    // count would have waited for it.
    expect(countMs).toBeLessThan((info.metrics.seconds * 1000) / 3);
    const del = await inject('DELETE', '/collections/r/models/slow');
    expect(del.statusCode, del.body).toBe(200);
    const gone = await inject('GET', '/collections/r/models/slow');
    expect([gone.statusCode, code(gone)]).toEqual([404, 'MODEL_NOT_FOUND']);
  });

  it('answers 404, 409 and 400 with stable codes', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['GET', '/collections/r/models/none', undefined, 404, 'MODEL_NOT_FOUND'],
      ['DELETE', '/collections/r/models/none', undefined, 404, 'MODEL_NOT_FOUND'],
      ['POST', '/collections/r/models/none/predict', { vectors: [[0, 0, 0]] }, 404, 'MODEL_NOT_FOUND'],
      ['GET', '/collections/missing/models', undefined, 404, 'COLLECTION_NOT_FOUND'],
      ['POST', '/collections/missing/models', spec, 404, 'COLLECTION_NOT_FOUND'],
      ['POST', '/collections/r/models', spec, 409, 'MODEL_EXISTS'],
      ['POST', '/collections/r/models', { ...spec, name: 'x', lambda: 0 }, 400, 'INVALID_ARGUMENT'],
      ['POST', '/collections/r/models', { ...spec, name: 'x', extra: true }, 400, 'INVALID_ARGUMENT'],
      [
        'POST',
        '/collections/r/models',
        { ...spec, name: 'x', features: { ...spec.features, count: 0 } },
        400,
        'INVALID_ARGUMENT',
      ],
      [
        'POST',
        '/collections/r/models',
        { ...spec, name: 'x', target_key: 'absent' },
        400,
        'PAYLOAD_KEY_INVALID',
      ],
      [
        'POST',
        '/collections/r/models',
        { ...spec, name: 'x', target_key: 'label' },
        400,
        'PAYLOAD_KEY_INVALID',
      ],
      ['POST', '/collections/r/models/smooth/predict', { vectors: [[0, 0]] }, 400, 'DIMENSION_MISMATCH'],
      ['POST', '/collections/r/models/smooth/predict', {}, 400, 'INVALID_ARGUMENT'],
      [
        'POST',
        '/collections/r/models/smooth/predict',
        { ids: [1], vectors: [[0, 0, 0]] },
        400,
        'INVALID_ARGUMENT',
      ],
      ['POST', '/collections/r/models/smooth/predict', { ids: [999999] }, 404, 'POINT_NOT_FOUND'],
    ];
    for (const [method, url, body, status, c] of cases) {
      const res = await inject(method as 'GET', url, body);
      expect([url, res.statusCode, code(res)], res.body).toEqual([url, status, c]);
    }
    // None of the refused requests left a model behind.
    const list = await inject('GET', '/collections/r/models');
    expect(list.json().result.models.map((m: { name: string }) => m.name)).toEqual(['sign', 'smooth']);
  });

  it('serves the same predictions after the database is closed and reopened', async () => {
    const probe = Array.from({ length: 10 }, vec);
    const before = (await inject('POST', '/collections/r/models/smooth/predict', { vectors: probe })).json()
      .result;
    await app.close();
    await db.close();
    db = await Database.open(join(dir, 'db'));
    app = await buildServer({ database: db });
    const info = (await inject('GET', '/collections/r/models/smooth')).json().result;
    expect([info.status, info.progress]).toEqual(['ready', 1]);
    const after = (await inject('POST', '/collections/r/models/smooth/predict', { vectors: probe })).json()
      .result;
    expect(after).toEqual(before);
  });
});
