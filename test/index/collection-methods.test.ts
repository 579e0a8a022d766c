/** The kernel and model methods on Collection delegate to index/kernels and index/models (tested there in depth). */
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../index/database.js';
import { modelSettled } from '../../index/models/index.js';
import { errorCode, tempDir } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe('Collection methods for kernels and models', () => {
  it('answers density, attention and matvec, and trains, lists, predicts with and deletes a model', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = await Database.open(t.path);
    const c = await db.createCollection('m', { dimension: 2, metric: 'l2' });
    const xs = Array.from({ length: 40 }, (_, i) => [Math.cos(i / 6), Math.sin(i / 6)]);
    await c.upsert(
      xs.map((vector, id) => ({ id, vector, payload: { y: vector[0]! + 2 * vector[1]!, w: 1 } })),
    );
    const q = [0.3, -0.2];
    const sigma = 0.5;
    let want = 0;
    for (const x of xs)
      want += Math.exp(-((x[0]! - q[0]!) ** 2 + (x[1]! - q[1]!) ** 2) / (2 * sigma * sigma));
    want /= xs.length;
    const density = await c.kernelDensity({
      queries: [q],
      kernel: { type: 'gaussian', bandwidth: sigma },
      method: 'exact',
    });
    expect(density.densities[0]).toBeCloseTo(want, 6);
    const att = await c.attention({ queries: [q], valueKey: 'y', temperature: 1, method: 'exact' });
    expect(typeof att.outputs[0]).toBe('number');
    const mv = await c.kernelMatVec({
      queries: [q],
      kernel: { type: 'gaussian', bandwidth: sigma },
      weightKey: 'w',
      epsilon: 0.01,
    });
    expect(Math.abs(mv.values[0]! - want * xs.length)).toBeLessThanOrEqual(mv.bound + 1e-9);

    const spec = {
      name: 'lin',
      target_key: 'y',
      task: 'regression',
      features: { type: 'exact', kernel: 'gaussian', bandwidth: 1 },
      lambda: 1e-3,
    };
    expect((await c.createModel(spec)).status).toBe('training');
    expect((await modelSettled(c, 'lin')).status).toBe('ready');
    expect((await c.listModels()).map((m) => m.name)).toEqual(['lin']);
    // Between two training points on the circle: the smooth target is interpolated closely.
    const mid = [Math.cos(3.5 / 6), Math.sin(3.5 / 6)];
    const [pred] = (await c.predict('lin', { vectors: [mid] })) as number[];
    expect(Math.abs(pred! - (mid[0]! + 2 * mid[1]!))).toBeLessThan(0.05);
    const [byId] = (await c.predict('lin', { ids: [3] })) as number[];
    expect(Math.abs(byId! - (xs[3]![0]! + 2 * xs[3]![1]!))).toBeLessThan(0.05);
    await c.deleteModel('lin');
    expect(await errorCode(c.getModel('lin'))).toBe('MODEL_NOT_FOUND');
    await db.close();
  });
});
