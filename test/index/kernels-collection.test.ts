/**
 * Kernel requests on a real collection (LevelDB in a temp folder, the collection's own IVF + hnswlib-node
 * index): exact answers against hand computations over the stored points, the view kept current through
 * upserts, deletes and payload edits, sampling and DEANN means over seeds within their reported errors,
 * BalanceKV coresets that forget deleted points, the matvec's ε‖w‖ target, codes-only collections, reopen.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Collection } from '../../index/collection.js';
import { Database } from '../../index/database.js';
import { attentionOf, kernelDensityOf, kernelMatVecOf, kernelStateInfo } from '../../index/kernels/index.js';
import type { PointInput, StoreVectors } from '../../index/types.js';
import { Rng } from '../../src/rng.js';
import { errorCode, tempDir } from './helpers.js';

const D = 8;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function openDb(): Promise<{ db: Database; path: string }> {
  const t = tempDir();
  const db = await Database.open(t.path);
  cleanups.push(t.cleanup, () => db.close());
  return { db, path: t.path };
}

/** n points around `centre` (unit noise), ids from `firstId`, payload from the row's index. */
function cluster(
  n: number,
  centre: number,
  firstId: number,
  seed: number,
  payload: (i: number) => Record<string, unknown>,
): PointInput[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: firstId + i,
    vector: Array.from({ length: D }, () => Math.fround(centre + rng.gaussian())),
    payload: payload(i),
  }));
}

const gauss = (q: number[], x: ArrayLike<number>, sigma: number) => {
  let s = 0;
  for (let j = 0; j < q.length; j++) s += (q[j]! - x[j]!) ** 2;
  return Math.exp(-s / (2 * sigma * sigma));
};

/** (1/n) Σ w_j k(q, x_j) by hand over the points as given. */
function handDensity(points: PointInput[], q: number[], sigma: number, w: (p: PointInput) => number) {
  let s = 0;
  for (const p of points) s += w(p) * gauss(q, p.vector as number[], sigma);
  return s / points.length;
}

async function make(
  db: Database,
  name: string,
  points: PointInput[],
  storeVectors: StoreVectors = 'float32',
  flatThreshold = 20_000,
) {
  const c = await db.createCollection(name, {
    dimension: D,
    metric: 'l2',
    storeVectors,
    index: { flatThreshold },
  });
  await c.upsert(points);
  await c.whenIndexed();
  return c;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};
const rms = (xs: number[]) => Math.sqrt(mean(xs.map((x) => x * x)));

describe('kernel requests on a collection', () => {
  it('exact density equals the hand computation and follows upserts, deletes and payload edits', async () => {
    const { db } = await openDb();
    let points = [
      ...cluster(120, 0, 1, 1, (i) => ({ w: 1 + (i % 3) })),
      ...cluster(40, 3, 1000, 2, (i) => ({ w: 0.5 * i })),
    ];
    const c = await make(db, 'd', points);
    const qs = [new Array(D).fill(0), new Array(D).fill(3), new Array(D).fill(1.5)];
    const check = async () => {
      const r = await kernelDensityOf(c, {
        queries: qs,
        kernel: { type: 'gaussian', bandwidth: 1.5 },
        method: 'exact',
        weightKey: 'w',
      });
      qs.forEach((q, i) => {
        const want = handDensity(points, q, 1.5, (p) => p.payload!.w as number);
        expect(r.densities[i]! / want).toBeCloseTo(1, 6);
        expect(r.errors[i]).toBe(0);
        expect(r.touched[i]).toBe(points.length);
      });
    };
    await check();
    expect(kernelStateInfo(c)).toMatchObject({ loaded: true, points: 160, vectorBytes: 160 * D * 4 });

    const added = cluster(30, -2, 5000, 3, () => ({ w: 2 }));
    await c.upsert(added);
    await c.delete([1000, 1001, 1002, 5, 6]);
    const moved = { id: 7, vector: new Array(D).fill(Math.fround(3.25)), payload: { w: 4 } };
    await c.upsert([moved]);
    await c.setPayload([1, 2], { w: 10 });
    points = [...points, ...added]
      .filter((p) => ![1000, 1001, 1002, 5, 6].includes(p.id as number))
      .map((p) => (p.id === 7 ? moved : p.id === 1 || p.id === 2 ? { ...p, payload: { w: 10 } } : p));
    await check();
    expect(kernelStateInfo(c).points).toBe(points.length);

    // Unweighted: every weight 1.
    const r = await kernelDensityOf(c, {
      queries: [qs[0]!],
      kernel: { type: 'gaussian', bandwidth: 1.5 },
      method: 'exact',
    });
    expect(r.densities[0]! / handDensity(points, qs[0]!, 1.5, () => 1)).toBeCloseTo(1, 6);
  });

  it('sampling and DEANN (through the trained IVF + HNSW index) are unbiased within their reported errors', async () => {
    const { db } = await openDb();
    const points = [
      ...cluster(300, 0, 1, 4, () => ({ w: 1 })),
      ...cluster(100, 2.5, 1000, 5, () => ({ w: 3 })),
    ];
    // Past flatThreshold the collection trains IVF: neighbours come through the hnswlib-node coarse index.
    const c = await make(db, 'sa', points, 'float32', 200);
    expect(c.stats().trained).toBe(true);
    const kernel = { type: 'gaussian' as const, bandwidth: 1 };
    const qs = [new Array(D).fill(0.3), new Array(D).fill(2.2)];
    const exact = (await kernelDensityOf(c, { queries: qs, kernel, method: 'exact', weightKey: 'w' }))
      .densities;
    const seeds = 60;
    const runs = {
      sampling: [] as { d: number[]; e: number[] }[],
      ann: [] as { d: number[]; e: number[] }[],
    };
    for (let s = 0; s < seeds; s++) {
      const smp = await kernelDensityOf(c, {
        queries: qs,
        kernel,
        method: 'sampling',
        weightKey: 'w',
        samples: 80,
        seed: s,
      });
      const ann = await kernelDensityOf(c, {
        queries: qs,
        kernel,
        method: 'ann',
        weightKey: 'w',
        samples: 40,
        neighbours: 40,
        seed: s,
      });
      expect(smp.touched).toEqual([80, 80]);
      expect(ann.touched).toEqual([80, 80]);
      runs.sampling.push({ d: smp.densities, e: smp.errors });
      runs.ann.push({ d: ann.densities, e: ann.errors });
    }
    for (const method of ['sampling', 'ann'] as const) {
      qs.forEach((_, i) => {
        const est = runs[method].map((r) => r.d[i]!);
        const err = runs[method].map((r) => r.e[i]!);
        // Mean of independent unbiased estimates: within 4 standard errors of the mean.
        expect(Math.abs(mean(est) - exact[i]!)).toBeLessThan((4 * rms(err)) / Math.sqrt(seeds));
        // The reported standard error describes the spread (ratio's own noise ≈ 1/√(2·59) ≈ 0.09).
        const ratio = sd(est) / rms(err);
        expect(ratio).toBeGreaterThan(0.6);
        expect(ratio).toBeLessThan(1.6);
      });
    }
    // At equal cost the exact nearest part removes most of the variance at this bandwidth.
    qs.forEach((_, i) => {
      expect(sd(runs.ann.map((r) => r.d[i]!))).toBeLessThan(0.5 * sd(runs.sampling.map((r) => r.d[i]!)));
    });
  });

  it('attention with numeric and vector values equals the hand computation', async () => {
    const { db } = await openDb();
    const points = cluster(50, 0.5, 1, 6, (i) => ({ v: i / 10, vec: [i, -2 * i, 1] }));
    const c = await make(db, 'att', points);
    const q = [0.4, -0.2, 0.1, 0.3, 0, 0.5, -0.6, 0.2];
    const tau = 0.7;
    let z = 0;
    let num = 0;
    const numVec = [0, 0, 0];
    for (const [i, p] of points.entries()) {
      const x = p.vector as number[];
      const a = Math.exp(x.reduce((s, xi, j) => s + xi * q[j]!, 0) / tau);
      z += a;
      num += a * (i / 10);
      numVec[0]! += a * i;
      numVec[1]! += a * -2 * i;
      numVec[2]! += a;
    }
    const scalar = await attentionOf(c, { queries: [q], valueKey: 'v', temperature: tau, method: 'exact' });
    expect(scalar.outputs[0]).toBeTypeOf('number');
    expect(scalar.outputs[0] as number).toBeCloseTo(num / z, 9);
    const vec = await attentionOf(c, { queries: [q], valueKey: 'vec', temperature: tau, method: 'exact' });
    const out = vec.outputs[0] as number[];
    expect(out).toHaveLength(3);
    for (let t = 0; t < 3; t++) expect(out[t]).toBeCloseTo(numVec[t]! / z, 7);
    expect(out[2]).toBeCloseTo(1, 12);
  });

  it('keeps its coresets current: deleted points lose their influence, new points and payload edits gain it', async () => {
    const { db } = await openDb();
    const A = cluster(300, 0, 1, 7, () => ({ v: 0, w: 1 }));
    const B = cluster(100, 4, 1000, 8, () => ({ v: 10, w: 1 }));
    const c = await make(db, 'cs', [...A, ...B]);
    const towardB = new Array(D).fill(4);
    const towardC = new Array(D).fill(-4);
    const att = (q: number[]) =>
      attentionOf(c, { queries: [q], valueKey: 'v', temperature: 8, method: 'coreset' }).then(
        (r) => r.outputs[0] as number,
      );
    const density = (q: number[]) =>
      kernelDensityOf(c, {
        queries: [q],
        kernel: { type: 'gaussian', bandwidth: 1 },
        method: 'coreset',
        weightKey: 'w',
      });
    // ⟨q, x⟩/τ ≈ 16 for B against ≈ 0 for A: B's value dominates by e^16.
    expect(await att(towardB)).toBeCloseTo(10, 3);
    const before = await density(towardB);
    expect(before.densities[0]).toBeGreaterThan(0);
    const info = kernelStateInfo(c).coresets;
    expect(info).toHaveLength(2);
    for (const cs of info) {
      expect(cs.points).toBe(400);
      expect(cs.size).toBeLessThan(400 / 2);
    }

    await c.delete(B.map((p) => p.id));
    // Only A (value 0) remains: every coreset item carries 0.
    expect(await att(towardB)).toBe(0);
    // B's points sat ≈ √8 from its centre (k ≈ e^{-4}); A's lie ≈ 4√8 ≈ 11 away (k ≈ e^{-64}, e^{-40} at the
    // closest): without B the density there collapses by many orders of magnitude.
    expect((await density(towardB)).densities[0]).toBeLessThan(1e-9 * before.densities[0]!);
    for (const cs of kernelStateInfo(c).coresets) expect(cs.points).toBe(300);

    const C = cluster(80, -4, 2000, 9, () => ({ v: -5, w: 1 }));
    await c.upsert(C);
    expect(await att(towardC)).toBeCloseTo(-5, 3);
    await c.setPayload(
      C.map((p) => p.id),
      { v: 7 },
    );
    expect(await att(towardC)).toBeCloseTo(7, 3);
    expect(kernelStateInfo(c).coresets.every((cs) => cs.points === 380)).toBe(true);

    // A point written without the value key cannot be in the attention coreset: the request says so.
    await c.upsert([{ id: 9999, vector: new Array(D).fill(0), payload: { w: 1 } }]);
    expect(await errorCode(att(towardC))).toBe('PAYLOAD_KEY_INVALID');
    expect((await density(towardC)).densities[0]).toBeGreaterThan(0);
  });

  it('matvec meets ε‖w‖₂ against the hand product with the index supplying the heavy entries', async () => {
    const { db } = await openDb();
    const points = [
      ...cluster(250, 0, 1, 10, (i) => ({ w: i % 2 ? 1 : -0.5 })),
      ...cluster(150, 5, 1000, 11, (i) => ({ w: (i % 5) - 2 })),
    ];
    const c = await make(db, 'mv', points, 'float32', 200);
    const qrng = new Rng(12);
    const qs = Array.from({ length: 12 }, (_, i) =>
      Array.from({ length: D }, () => (i % 2 ? 5 : 0) + qrng.gaussian()),
    );
    const sigma = 1;
    const w = points.map((p) => p.payload!.w as number);
    const y = qs.map((q) => points.reduce((s, p, j) => s + w[j]! * gauss(q, p.vector as number[], sigma), 0));
    const wNorm = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
    const epsilon = 0.1;
    let misses = 0;
    let cheaper = 0;
    for (let seed = 0; seed < 10; seed++) {
      const r = await kernelMatVecOf(c, {
        queries: qs,
        kernel: { type: 'gaussian', bandwidth: sigma },
        weightKey: 'w',
        epsilon,
        neighbours: 32,
        seed,
      });
      expect(r.bound).toBeCloseTo(epsilon * wNorm, 9);
      const err = Math.sqrt(r.values.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0));
      if (err > epsilon * wNorm) misses++;
      if (mean(r.touched) < points.length) cheaper++;
    }
    // δ = 0.1 per run: more than 3 misses in 10 has probability < 0.013.
    expect(misses).toBeLessThanOrEqual(3);
    expect(cheaper).toBe(10);
  });

  it('uses decoded codes when the collection stores no originals', async () => {
    const { db } = await openDb();
    const c = await make(
      db,
      'codes',
      cluster(100, 0, 1, 13, () => ({})),
      'none',
    );
    const decoded: PointInput[] = [];
    for await (const p of c.points()) decoded.push({ id: p.id, vector: Array.from(p.vector) });
    const q = new Array(D).fill(0.2);
    const r = await kernelDensityOf(c, {
      queries: [q],
      kernel: { type: 'laplacian', bandwidth: 2 },
      method: 'exact',
    });
    const lap = (x: number[]) => Math.exp(-Math.sqrt(x.reduce((s, xi, j) => s + (q[j]! - xi) ** 2, 0)) / 2);
    const want = decoded.reduce((s, p) => s + lap(p.vector as number[]), 0) / decoded.length;
    expect(r.densities[0]! / want).toBeCloseTo(1, 6);
  });

  it('rejects bad requests with their codes before reading data', async () => {
    const { db } = await openDb();
    const c: Collection = await make(
      db,
      'bad',
      cluster(20, 0, 1, 14, (i) => ({ w: i, s: 'x', v: i % 2 ? [1, 2] : [1] })),
    );
    const q = [new Array(D).fill(0)];
    const g = { type: 'gaussian' as const, bandwidth: 1 };
    expect(
      await errorCode(kernelDensityOf(c, { queries: q, kernel: g, method: 'exact', weightKey: 'nope' })),
    ).toBe('PAYLOAD_KEY_INVALID');
    expect(
      await errorCode(kernelDensityOf(c, { queries: q, kernel: g, method: 'exact', weightKey: 's' })),
    ).toBe('PAYLOAD_KEY_INVALID');
    expect(
      await errorCode(attentionOf(c, { queries: q, valueKey: 'v', temperature: 1, method: 'exact' })),
    ).toBe('PAYLOAD_KEY_INVALID');
    expect(
      await errorCode(
        kernelDensityOf(c, { queries: q, kernel: { type: 'gaussian', bandwidth: 0 }, method: 'exact' }),
      ),
    ).toBe('INVALID_ARGUMENT');
    expect(
      await errorCode(attentionOf(c, { queries: q, valueKey: 'w', temperature: -1, method: 'exact' })),
    ).toBe('INVALID_ARGUMENT');
    expect(await errorCode(kernelDensityOf(c, { queries: [[1, 2]], kernel: g, method: 'exact' }))).toBe(
      'DIMENSION_MISMATCH',
    );
    expect(
      await errorCode(
        kernelMatVecOf(c, { queries: new Array(257).fill(q[0]), kernel: g, weightKey: 'w', epsilon: 0.1 }),
      ),
    ).toBe('BATCH_TOO_LARGE');
    expect(await errorCode(kernelMatVecOf(c, { queries: q, kernel: g, weightKey: 'w', epsilon: 0 }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('replays writes made while the view loads, and re-reads after writes outrun it', async () => {
    const { db } = await openDb();
    let points = cluster(400, 0, 1, 16, () => ({}));
    const c = await make(db, 'race', points);
    const q = [new Array(D).fill(0.5)];
    const kernel = { type: 'gaussian' as const, bandwidth: 2 };
    const hand = () => handDensity(points, q[0]!, 2, () => 1);
    // The first request starts loading; the writes land while it reads (the loader yields between chunks).
    const extra = cluster(50, 1, 3000, 17, () => ({}));
    const [first] = await Promise.all([
      kernelDensityOf(c, { queries: q, kernel, method: 'exact' }),
      c.upsert(extra),
      c.delete([1, 2, 3]),
    ]);
    expect(first.touched[0]).toBeGreaterThan(0);
    points = [...points, ...extra].filter((p) => ![1, 2, 3].includes(p.id as number));
    const second = await kernelDensityOf(c, { queries: q, kernel, method: 'exact' });
    expect(second.touched[0]).toBe(points.length);
    expect(second.densities[0]! / hand()).toBeCloseTo(1, 6);

    // More queued upserts than max(4096, n): the view is dropped, then re-read by the next request.
    const flood = cluster(4100, -1, 10_000, 18, () => ({}));
    await c.upsert(flood);
    expect(kernelStateInfo(c).loaded).toBe(false);
    points = [...points, ...flood];
    const third = await kernelDensityOf(c, { queries: q, kernel, method: 'exact' });
    expect(third.touched[0]).toBe(points.length);
    expect(third.densities[0]! / hand()).toBeCloseTo(1, 6);
  });

  it('answers the same after a reopen and rebuilds its coreset on the first request', async () => {
    const { db, path } = await openDb();
    const points = cluster(150, 1, 1, 15, (i) => ({ v: i % 4 }));
    await make(db, 're', points);
    const q = [new Array(D).fill(1)];
    const first = await attentionOf(db.collection('re'), {
      queries: q,
      valueKey: 'v',
      temperature: 4,
      method: 'coreset',
    });
    await db.close();
    const again = await Database.open(path);
    cleanups.push(() => again.close());
    const c = again.collection('re');
    expect(kernelStateInfo(c).loaded).toBe(false);
    const second = await attentionOf(c, { queries: q, valueKey: 'v', temperature: 4, method: 'coreset' });
    // Same points, same seed: the same coreset.
    expect(second.outputs).toEqual(first.outputs);
    expect(kernelStateInfo(c).coresets[0]!.points).toBe(150);
  });
});
