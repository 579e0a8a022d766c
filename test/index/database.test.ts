import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../index/database.js';
import { bruteForce, clustered, errorCode, tempDir } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.path;
}

describe('Database: collections', () => {
  it('creates, lists, drops and reopens collections', async () => {
    const path = dir();
    const db = await Database.open(path);
    await db.createCollection('b', { dimension: 4 });
    await db.createCollection('a', { dimension: 8, metric: 'dot', bits: 2, kind: 'turbo' });
    expect(db.listCollections()).toEqual(['a', 'b']);
    expect(await errorCode(db.createCollection('a', { dimension: 8 }))).toBe('COLLECTION_EXISTS');
    expect(await errorCode(() => db.collection('zzz'))).toBe('COLLECTION_NOT_FOUND');
    expect(await errorCode(db.createCollection('bad name!', { dimension: 8 }))).toBe('INVALID_NAME');
    expect(await errorCode(db.createCollection('c', { dimension: 0 }))).toBe('INVALID_DIMENSION');
    expect(await errorCode(db.createCollection('c', { dimension: 8, bits: 9 }))).toBe('INVALID_BITS');
    expect(await errorCode(db.createCollection('c', { dimension: 8, metric: 'manhattan' as never }))).toBe(
      'INVALID_ARGUMENT',
    );
    await db.collection('b').upsert([{ id: 1, vector: [1, 2, 3, 4] }]);
    expect(await db.dropCollection('b')).toBe(true);
    expect(await db.dropCollection('b')).toBe(false);
    await db.close();
    const again = await Database.open(path);
    expect(again.listCollections()).toEqual(['a']);
    expect(again.collection('a').config).toMatchObject({
      dimension: 8,
      metric: 'dot',
      bits: 2,
      kind: 'turbo',
    });
    // A re-created collection of a dropped name starts empty.
    const b = await again.createCollection('b', { dimension: 4 });
    expect(await b.count()).toBe(0);
    await again.close();
    expect(await errorCode(() => again.collection('a'))).toBe('DATABASE_CLOSED');
  });

  it('refuses a second open of the same folder with DATABASE_LOCKED', async () => {
    const path = dir();
    const db = await Database.open(path);
    expect(await errorCode(Database.open(path))).toBe('DATABASE_LOCKED');
    await db.close();
  });
});

describe('Collection: points', () => {
  it('upserts, gets, overwrites, deletes — and deleted points never come back, even after reopen', async () => {
    const path = dir();
    let db = await Database.open(path);
    let c = await db.createCollection('p', { dimension: 3, metric: 'l2' });
    const uuid = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
    await c.upsert([
      { id: 1, vector: [1, 0, 0], payload: { color: 'red', n: 1 } },
      { id: 2, vector: [0, 1, 0], payload: { color: 'blue', n: 2 } },
      { id: uuid, vector: [0, 0, 1] },
    ]);
    expect(await c.count()).toBe(3);
    expect(await c.get([2, 1, 99], { withVector: true })).toEqual([
      { id: 2, payload: { color: 'blue', n: 2 }, vector: [0, 1, 0] },
      { id: 1, payload: { color: 'red', n: 1 }, vector: [1, 0, 0] },
    ]);
    await c.upsert([{ id: 1, vector: [2, 0, 0], payload: { color: 'green' } }]);
    expect(await c.get([1], { withVector: true })).toEqual([
      { id: 1, payload: { color: 'green' }, vector: [2, 0, 0] },
    ]);
    expect(await c.count()).toBe(3);
    expect(await c.delete([2, 12345])).toBe(1);
    expect(await c.delete({ filter: { must: [{ has_id: [uuid] }] } })).toBe(1);
    expect((await c.search([0, 1, 0], { k: 10 })).map((p) => p.id)).toEqual([1]);
    await db.close();
    db = await Database.open(path);
    c = db.collection('p');
    expect(await c.count()).toBe(1);
    expect(await c.get([2, uuid])).toEqual([]);
    expect((await c.search([0, 1, 0], { k: 10 })).map((p) => p.id)).toEqual([1]);
    await db.close();
  });

  it('edits payloads the Qdrant way: set merges, overwrite replaces, delete keys, clear', async () => {
    const db = await Database.open(dir());
    const c = await db.createCollection('p', { dimension: 2 });
    await c.upsert([
      { id: 1, vector: [1, 0], payload: { a: 1, b: { c: 2 } } },
      { id: 2, vector: [0, 1], payload: { a: 5 } },
    ]);
    await c.setPayload([1], { x: 'y' });
    await c.setPayload([1], { d: 3 }, { key: 'b' });
    expect((await c.get([1]))[0]!.payload).toEqual({ a: 1, b: { c: 2, d: 3 }, x: 'y' });
    await c.deletePayload({ filter: { must: [{ key: 'a', range: { gte: 1 } }] } }, ['a']);
    expect((await c.get([1, 2])).map((p) => p.payload)).toEqual([{ b: { c: 2, d: 3 }, x: 'y' }, {}]);
    await c.overwritePayload([2], { only: true });
    expect((await c.get([2]))[0]!.payload).toEqual({ only: true });
    await c.clearPayload([1, 2]);
    expect((await c.get([1, 2])).map((p) => p.payload)).toEqual([{}, {}]);
    expect(await errorCode(c.setPayload([1], [1, 2] as never))).toBe('INVALID_PAYLOAD');
    await db.close();
  });

  it('rejects bad points and bad filters with stable codes and writes nothing', async () => {
    const db = await Database.open(dir());
    const c = await db.createCollection('p', { dimension: 3 });
    expect(await errorCode(c.upsert([{ id: 1, vector: [1, 2] }]))).toBe('DIMENSION_MISMATCH');
    expect(await errorCode(c.upsert([{ id: 1, vector: [1, 2, Number.NaN] }]))).toBe('NON_FINITE_VALUE');
    expect(await errorCode(c.upsert([{ id: -1, vector: [1, 2, 3] }]))).toBe('INVALID_ID');
    expect(await errorCode(c.upsert([{ id: 2 ** 53, vector: [1, 2, 3] }]))).toBe('INVALID_ID');
    expect(await errorCode(c.upsert([{ id: 'not-a-uuid', vector: [1, 2, 3] }]))).toBe('INVALID_ID');
    expect(await errorCode(c.upsert([{ id: 1, vector: [1, 2, 3], payload: 'x' as never }]))).toBe(
      'INVALID_PAYLOAD',
    );
    // A batch with one bad point writes none of it.
    expect(
      await errorCode(
        c.upsert([
          { id: 1, vector: [1, 2, 3] },
          { id: 2, vector: [1] },
        ]),
      ),
    ).toBe('DIMENSION_MISMATCH');
    expect(await c.count()).toBe(0);
    expect(
      await errorCode(c.search([1, 2, 3], { filter: { must: [{ key: 'a', mtch: { value: 1 } }] } })),
    ).toBe('INVALID_FILTER');
    expect(await errorCode(c.count({ shoud: [] }))).toBe('INVALID_FILTER');
    expect(await errorCode(c.search([1, 2], {}))).toBe('DIMENSION_MISMATCH');
    expect(await errorCode(c.search([1, 2, 3], { k: 0 }))).toBe('INVALID_ARGUMENT');
    await db.close();
  });

  it('scrolls in id order with next_page_offset, honouring filters', async () => {
    const db = await Database.open(dir());
    const c = await db.createCollection('p', { dimension: 2 });
    await c.upsert(
      Array.from({ length: 25 }, (_, i) => ({
        id: 24 - i,
        vector: [1, i],
        payload: { odd: (24 - i) % 2 === 1 },
      })),
    );
    const seen: unknown[] = [];
    let offset: number | string | null | undefined;
    do {
      const page = await c.scroll({
        limit: 4,
        ...(offset == null ? {} : { offset }),
        filter: { must: [{ key: 'odd', match: { value: true } }] },
      });
      seen.push(...page.points.map((p) => p.id));
      offset = page.nextOffset;
    } while (offset !== null);
    expect(seen).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23]);
    await db.close();
  });
});

describe('Collection: search', () => {
  it('filters return exactly the matching points: k of them whenever k match, in exact order', async () => {
    const db = await Database.open(dir());
    const c = await db.createCollection('f', { dimension: 16, metric: 'l2', index: { flatThreshold: 300 } });
    const data = clustered(1200, 16, 12, 5);
    await c.upsert(
      data.map((vector, id) => ({ id, vector, payload: { tag: id % 50, group: id % 3 === 0 ? 'a' : 'b' } })),
    );
    await c.whenIndexed();
    expect(c.stats().trained).toBe(true);
    // Rare tag: 24 points match; with a tight nprobe the scan must widen to find them.
    const filter = { must: [{ key: 'tag', match: { value: 7 } }] };
    const matching = data.map((_, i) => i).filter((i) => i % 50 === 7);
    const q = data[3]!;
    const res = await c.search(q, { k: 10, nprobe: 1, filter, withPayload: true });
    expect(res).toHaveLength(10);
    expect(res.every((p) => (p.payload as { tag: number }).tag === 7)).toBe(true);
    // Probing every list, the filtered top 10 is the exact one.
    const sub = matching.map((i) => data[i]!);
    const exhaustive = await c.search(q, { k: 10, nprobe: 10_000, filter });
    expect(exhaustive.map((p) => p.id)).toEqual(bruteForce(sub, q, 10, 'l2').map((j) => matching[j]));
    expect(await c.count(filter)).toBe(24);
    const all = await c.search(q, { k: 100, filter });
    expect(all.map((p) => p.id).sort((a, b) => Number(a) - Number(b))).toEqual(matching);
    await db.close();
  });

  it('recall@10 ≥ 0.95 at 4 bits with rerank on a seeded clustered set (IVF trained), for l2, dot and cosine', async () => {
    const db = await Database.open(dir());
    const dim = 48;
    const data = clustered(4000, dim, 40, 11, 1.2);
    for (const metric of ['l2', 'dot', 'cosine'] as const) {
      const c = await db.createCollection(metric, {
        dimension: dim,
        metric,
        bits: 4,
        index: { flatThreshold: 1000, nprobe: 64 },
      });
      for (let i = 0; i < data.length; i += 1000)
        await c.upsert(data.slice(i, i + 1000).map((vector, j) => ({ id: i + j, vector })));
      await c.whenIndexed();
      expect(c.stats()).toMatchObject({ points: 4000, trained: true, bitsPerDimension: 4 });
      const base = metric === 'cosine' ? data.map((v) => v.map((x) => x / Math.hypot(...v))) : data;
      const queries = clustered(60, dim, 40, 99, 1.2);
      let hits = 0;
      for (const q of queries) {
        const qq = metric === 'cosine' ? q.map((x) => x / Math.hypot(...q)) : q;
        const truth = new Set(bruteForce(base, qq, 10, metric === 'l2' ? 'l2' : 'dot'));
        const res = await c.search(q, { k: 10 });
        hits += res.filter((p) => truth.has(p.id as number)).length;
        // Scores as Qdrant reports them.
        const top = res[0]!;
        const x = base[top.id as number]!;
        const exact =
          metric === 'l2'
            ? Math.sqrt(x.reduce((s, v, j) => s + (v - qq[j]!) ** 2, 0))
            : x.reduce((s, v, j) => s + v * qq[j]!, 0);
        expect(top.score).toBeCloseTo(exact, 4);
      }
      expect(hits / (queries.length * 10), metric).toBeGreaterThanOrEqual(0.95);
    }
    await db.close();
  });

  it('close and reopen give identical results', async () => {
    const path = dir();
    let db = await Database.open(path);
    const data = clustered(1500, 24, 10, 21);
    let c = await db.createCollection('r', {
      dimension: 24,
      metric: 'l2',
      kind: 'turbo',
      bits: 3,
      index: { flatThreshold: 500 },
    });
    await c.upsert(data.map((vector, id) => ({ id, vector, payload: { id } })));
    await c.whenIndexed();
    const queries = clustered(10, 24, 10, 77);
    const before = [];
    for (const q of queries)
      before.push(await c.search(q, { k: 10, rerank: false }), await c.search(q, { k: 10 }));
    const stats = c.stats();
    await db.close();
    db = await Database.open(path);
    c = db.collection('r');
    expect(c.stats()).toEqual(stats);
    const after = [];
    for (const q of queries)
      after.push(await c.search(q, { k: 10, rerank: false }), await c.search(q, { k: 10 }));
    expect(after).toEqual(before);
    await db.close();
  });

  it('searches running during upserts see only whole batches', async () => {
    const db = await Database.open(dir());
    const c = await db.createCollection('w', { dimension: 8, metric: 'dot' });
    // Every batch writes 50 points sharing one `batch` tag; a search must never see a partial batch.
    const batches = 30;
    const writes = (async () => {
      for (let b = 0; b < batches; b++)
        await c.upsert(
          Array.from({ length: 50 }, (_, j) => ({
            id: b * 50 + j,
            vector: [1, 1, 1, 1, 1, 1, 1, 1],
            payload: { batch: b },
          })),
        );
    })();
    let checks = 0;
    let done = false;
    void writes.then(() => {
      done = true;
    });
    while (!done) {
      const res = await c.search([1, 1, 1, 1, 1, 1, 1, 1], { k: 5000, withPayload: true, rerank: false });
      const perBatch = new Map<number, number>();
      for (const p of res)
        perBatch.set(
          (p.payload as { batch: number }).batch,
          (perBatch.get((p.payload as { batch: number }).batch) ?? 0) + 1,
        );
      for (const n of perBatch.values()) expect(n).toBe(50);
      checks++;
      await new Promise((r) => setImmediate(r));
    }
    await writes;
    expect(checks).toBeGreaterThan(1);
    expect(await c.count()).toBe(batches * 50);
    await db.close();
  });
});
