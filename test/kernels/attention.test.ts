import { describe, expect, it } from 'vitest';
import { attention, BalanceKVCoreset } from '../../src/kernels/index.js';
import { Rng } from '../../src/rng.js';
import { clustered, queriesNear, row } from './helpers.js';

const d = 16;
const dv = 4;
const n = 2048;
const { points, labels } = clustered(n, d, 16, 7, 1, 0.3);
const values = new Float64Array(n * dv);
{
  const rng = new Rng(8);
  for (let j = 0; j < n; j++)
    for (let t = 0; t < dv; t++) values[j * dv + t] = Math.sin(labels[j]! + t) + 0.3 * rng.gaussian();
}
const tau = Math.sqrt(d);

function relError(a: Float64Array, b: Float64Array): number {
  let e = 0;
  let s = 0;
  for (let t = 0; t < a.length; t++) {
    e += (a[t]! - b[t]!) ** 2;
    s += b[t]! ** 2;
  }
  return Math.sqrt(e / s);
}

describe('attention', () => {
  it('exact is the softmax-weighted average, also where e^{⟨q,x⟩/τ} overflows', () => {
    const q = queriesNear(points, 1, 0.1, 1)[0]!;
    const out = attention(points, values, dv, [q], { temperature: tau, method: 'exact' }).outputs[0]!;
    const w: number[] = [];
    for (let j = 0; j < n; j++) w.push(Math.exp(row(points, j).reduce((a, x, t) => a + x * q[t]!, 0) / tau));
    const z = w.reduce((a, b) => a + b, 0);
    for (let t = 0; t < dv; t++) {
      let num = 0;
      for (let j = 0; j < n; j++) num += w[j]! * values[j * dv + t]!;
      expect(out[t]).toBeCloseTo(num / z, 10);
    }
    // τ = 1e-3 puts logits near 1e4: e^{logit} is Infinity, the log-sum-exp form is still the argmax's value.
    const hot = attention(points, values, dv, [q], { temperature: 1e-3, method: 'exact' }).outputs[0]!;
    let best = 0;
    let bestDot = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      const s = row(points, j).reduce((a, x, t) => a + x * q[t]!, 0);
      if (s > bestDot) [bestDot, best] = [s, j];
    }
    for (let t = 0; t < dv; t++) expect(hot[t]).toBeCloseTo(values[best * dv + t]!, 6);
  });

  it('on clustered data the BalanceKV coreset at 25 % size beats uniform sampling of the same size', () => {
    const queries = queriesNear(points, 20, 0.3, 9);
    const exact = attention(points, values, dv, queries, { temperature: tau, method: 'exact' }).outputs;
    let coresetErr = 0;
    let uniformErr = 0;
    for (let seed = 0; seed < 4; seed++) {
      const c = new BalanceKVCoreset({
        dimension: d,
        valueDimension: dv,
        temperature: tau,
        compression: 4,
        bucketSize: 64,
        seed,
      });
      for (let j = 0; j < n; j++) c.insert(j, row(points, j), values.subarray(j * dv, (j + 1) * dv));
      expect(Math.abs(c.size / n - 0.25)).toBeLessThan(0.02);
      const co = attention(points, values, dv, queries, {
        temperature: tau,
        method: 'coreset',
        coreset: c,
      }).outputs;
      const un = attention(points, values, dv, queries, {
        temperature: tau,
        method: 'sampling',
        samples: c.size,
        seed,
      }).outputs;
      for (let i = 0; i < queries.length; i++) {
        coresetErr += relError(co[i]!, exact[i]!);
        uniformErr += relError(un[i]!, exact[i]!);
      }
    }
    // Measured ≈ 0.55 on this data; a walk no better than random signs would give ≈ 1.
    expect(coresetErr / uniformErr).toBeLessThan(0.75);
  });

  it('validates temperature, dimensions and values', () => {
    const q = [row(points, 0)];
    const bad =
      (opts: object, v = values, dim = dv, qs: number[][] = q) =>
      () =>
        attention(points, v, dim, qs, { temperature: 1, method: 'exact', ...opts });
    expect(bad({ temperature: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(bad({ temperature: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(bad({}, values, dv, [[1, 2]])).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH' }));
    expect(bad({}, values.subarray(1))).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH' }));
    const nan = values.slice();
    nan[5] = Number.NaN;
    expect(bad({}, nan)).toThrow(expect.objectContaining({ code: 'NON_FINITE_VALUE' }));
    expect(bad({ method: 'coreset' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(bad({ method: 'bogus' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
