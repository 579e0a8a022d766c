import { afterEach, describe, expect, it } from 'vitest';
import type { CollectionChange } from '../../index/collection.js';
import { Database } from '../../index/database.js';
import { errorCode, tempDir } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe('Collection extension points', () => {
  it('reports applied writes to listeners, keeps module keys beside the collection, and iterates points', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    let db = await Database.open(t.path);
    const c = await db.createCollection('e', { dimension: 2, metric: 'cosine' });
    const changes: CollectionChange[] = [];
    const off = c.onChange((ch) => changes.push(ch));
    await c.upsert([{ id: 1, vector: [3, 4], payload: { a: 1 } }]);
    await c.setPayload([1], { b: 2 });
    await c.delete([1, 7]);
    await expect(c.upsert([{ id: 2, vector: [1] }])).rejects.toThrow();
    off();
    await c.upsert([{ id: 3, vector: [0, 1] }]);
    expect(changes).toHaveLength(3);
    expect(changes[0]!.upserted[0]!.id).toBe(1);
    expect(Array.from(changes[0]!.upserted[0]!.vector)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(changes[1]!.payloadChanged).toEqual([{ id: 1, payload: { a: 1, b: 2 } }]);
    expect(changes[2]!.deleted).toEqual([1]);

    const ext = c.extension('models');
    await ext.put([
      { key: 'm1', value: { weights: new Float64Array([1, 2]) } },
      { key: 'm2', value: { x: 1 } },
    ]);
    expect(await ext.get('m1')).toEqual({ weights: new Float64Array([1, 2]) });
    await ext.delete(['m2']);
    const keys: string[] = [];
    for await (const [k] of ext.entries()) keys.push(k);
    expect(keys).toEqual(['m1']);
    expect(await errorCode(() => c.extension('Bad Name'))).toBe('INVALID_ARGUMENT');

    await c.upsert([{ id: 5, vector: [1, 1], payload: { z: true } }]);
    const seen = [];
    for await (const p of c.points()) seen.push({ id: p.id, payload: p.payload, n: p.vector.length });
    expect(seen).toEqual([
      { id: 3, payload: undefined, n: 2 },
      { id: 5, payload: { z: true }, n: 2 },
    ]);
    await db.close();
    db = await Database.open(t.path);
    expect(await db.collection('e').extension('models').get('m1')).toEqual({
      weights: new Float64Array([1, 2]),
    });
    await db.dropCollection('e');
    const again = await db.createCollection('e', { dimension: 2 });
    expect(await again.extension('models').get('m1')).toBeUndefined();
    await db.close();
  });
});
