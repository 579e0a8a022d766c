import { describe, expect, it } from 'vitest';
import { BalanceKVCoreset, type PointBatch, type PointKey } from '../../src/kernels/index.js';
import { clustered, row } from './helpers.js';

const { points, labels } = clustered(1024, 6, 8, 5, 1, 0.1);

function store(): Map<PointKey, { vector: number[]; value: number }> {
  const m = new Map<PointKey, { vector: number[]; value: number }>();
  for (let j = 0; j < points.count; j++) m.set(j, { vector: row(points, j), value: labels[j]! });
  return m;
}

function fetchFrom(db: Map<PointKey, { vector: number[]; value: number }>, d: number) {
  return async (keys: readonly PointKey[]): Promise<PointBatch> => {
    const vectors = new Float32Array(keys.length * d);
    const values = new Float64Array(keys.length);
    keys.forEach((k, i) => {
      const p = db.get(k)!;
      vectors.set(p.vector, i * d);
      values[i] = p.value;
    });
    return { vectors, values };
  };
}

/** Multiset of rows as strings, for exact comparison of what a summary holds. */
function rowsOf(s: { count: number; dimension: number; vectors: Float32Array }): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.count; i++)
    out.push(Array.from(s.vectors.subarray(i * s.dimension, (i + 1) * s.dimension)).join(','));
  return out.sort();
}

describe('BalanceKVCoreset', () => {
  it('keeps n/compression + O(B·L) items whose masses are powers of two summing to about n', () => {
    for (const compression of [2, 4, 8]) {
      const c = new BalanceKVCoreset({
        dimension: 6,
        valueDimension: 1,
        compression,
        bucketSize: 32,
        seed: 1,
      });
      for (let j = 0; j < points.count; j++) c.insert(j, row(points, j), labels[j]!);
      expect(c.count).toBe(1024);
      // 1024 points = 32 leaves: every group complete, each ends near 32 items (a halving keeps ≈ half).
      expect(Math.abs(c.size - 1024 / compression)).toBeLessThan(0.15 * (1024 / compression));
      const s = c.summary();
      let mass = 0;
      for (let i = 0; i < s.count; i++) {
        expect(s.mass[i]).toBe(compression);
        expect(s.halvings[i]).toBe(Math.log2(compression));
        mass += s.mass[i]!;
      }
      expect(Math.abs(mass - 1024) / 1024).toBeLessThan(0.15);
    }
  });

  it('compression 1 keeps exactly the live points through deletions, upserts and rebuilds', async () => {
    const db = store();
    const c = new BalanceKVCoreset({
      dimension: 6,
      valueDimension: 1,
      compression: 1,
      bucketSize: 16,
      fetch: fetchFrom(db, 6),
    });
    for (let j = 0; j < 100; j++) c.insert(j, db.get(j)!.vector, db.get(j)!.value);
    for (const j of [3, 17, 50, 99, 98]) {
      expect(c.remove(j)).toBe(true);
      db.delete(j);
    }
    expect(c.remove(3)).toBe(false);
    expect(c.needsFlush).toBe(true);
    expect(() => c.summary()).toThrow(expect.objectContaining({ code: 'MODEL_NOT_READY' }));
    await c.flush();
    expect(c.needsFlush).toBe(false);
    const live = [...db.keys()].filter((k) => (k as number) < 100);
    expect(c.count).toBe(live.length);
    expect(rowsOf(c.summary())).toEqual(
      rowsOf({
        count: live.length,
        dimension: 6,
        vectors: new Float32Array(live.flatMap((k) => db.get(k)!.vector)),
      }),
    );
    // Upsert moves a point: the old vector disappears, the new one appears once.
    const moved = [9, 9, 9, 9, 9, 9];
    c.insert(10, moved, 1);
    db.set(10, { vector: moved, value: 1 });
    await c.flush();
    const rows = rowsOf(c.summary());
    expect(rows.filter((r) => r === moved.join(',')).length).toBe(1);
    expect(c.count).toBe(live.length);
  });

  it('after deleting a whole cluster and flushing, no coreset item comes from it', async () => {
    const db = store();
    const c = new BalanceKVCoreset({
      dimension: 6,
      valueDimension: 1,
      compression: 4,
      bucketSize: 32,
      seed: 3,
      fetch: fetchFrom(db, 6),
    });
    for (let j = 0; j < points.count; j++) c.insert(j, row(points, j), labels[j]!);
    for (let j = 0; j < points.count; j++)
      if (labels[j] === 2) {
        c.remove(j);
        db.delete(j);
      }
    await c.flush();
    const s = c.summary();
    expect(s.count).toBeGreaterThan(0);
    for (let i = 0; i < s.count; i++) expect(s.values[i]).not.toBe(2);
    expect(c.count).toBe(db.size);
  });

  it('rejects bad input with stable codes and needs fetch for deletions outside the open leaf', async () => {
    expect(() => new BalanceKVCoreset({ dimension: 0, valueDimension: 1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => new BalanceKVCoreset({ dimension: 2, valueDimension: 1, compression: 3 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => new BalanceKVCoreset({ dimension: 2, valueDimension: 1, temperature: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    const c = new BalanceKVCoreset({ dimension: 2, valueDimension: 1, bucketSize: 2 });
    expect(() => c.insert(1, [1, 2, 3], 0)).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH' }));
    expect(() => c.insert(1, [1, Number.NaN], 0)).toThrow(
      expect.objectContaining({ code: 'NON_FINITE_VALUE' }),
    );
    expect(() => c.insert(1, [1, 2], Number.POSITIVE_INFINITY)).toThrow(
      expect.objectContaining({ code: 'NON_FINITE_VALUE' }),
    );
    expect(() => c.insert(1, [1, 2], [1, 2])).toThrow(
      expect.objectContaining({ code: 'DIMENSION_MISMATCH' }),
    );
    expect(() => c.insert(-1, [1, 2], 0)).toThrow(expect.objectContaining({ code: 'INVALID_ID' }));
    expect(c.count).toBe(0);
    c.insert(1, [1, 2], 0);
    c.insert(2, [2, 1], 0);
    c.remove(1);
    await expect(c.flush()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
