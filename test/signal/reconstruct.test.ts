import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import { normalizePrior, priorKernel } from '../../src/signal/priors.js';
import { reconstructSignal } from '../../src/signal/reconstruct.js';
import { statisticalDimension } from '../../src/signal/statistical-dimension.js';
import { universalSamplingTimes } from '../../src/signal/universal-sampling.js';

/** A random real signal whose spectrum lies in the given bands: a sum of tones at random in-band frequencies. */
function randomBandSignal(rng: Rng, bands: ReadonlyArray<readonly [number, number]>, tones: number) {
  const f: number[] = [];
  const a: number[] = [];
  const ph: number[] = [];
  const widths = bands.map(([lo, hi]) => hi - lo);
  const total = widths.reduce((x, y) => x + y, 0);
  for (let j = 0; j < tones; j++) {
    let u = rng.next() * total;
    let b = 0;
    while (u > widths[b]! && b < bands.length - 1) u -= widths[b++]!;
    f.push(bands[b]![0] + u);
    a.push(rng.gaussian());
    ph.push(rng.next() * 2 * Math.PI);
  }
  return (t: number) => {
    let s = 0;
    for (let j = 0; j < tones; j++) s += a[j]! * Math.cos(2 * Math.PI * f[j]! * t + ph[j]!);
    return s;
  };
}

/** ‖ỹ − y‖/‖y‖ in L²([0, T]) on a fine midpoint grid. */
function relativeError(est: (ts: number[]) => number[], y: (t: number) => number, T: number): number {
  const grid = Array.from({ length: 1500 }, (_, i) => ((i + 0.5) * T) / 1500);
  const e = est(grid);
  let num = 0;
  let den = 0;
  for (let i = 0; i < grid.length; i++) {
    const v = y(grid[i]!);
    num += (e[i]! - v) ** 2;
    den += v * v;
  }
  return Math.sqrt(num / den);
}

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
}

describe('reconstructSignal', () => {
  const T = 10;
  const lambda = 1e-6;
  const classes = [
    { name: 'bandlimited', prior: { type: 'bandlimited', band: 1 }, bands: [[0, 1]] as const },
    {
      name: 'multiband',
      prior: {
        type: 'multiband',
        bands: [
          [0.5, 1],
          [2.5, 3],
        ],
      },
      bands: [
        [0.5, 1],
        [2.5, 3],
      ] as const,
    },
  ];
  for (const { name, prior, bands } of classes) {
    it(`${name}: relative error ≤ 1e-2 from 8·s universal samples (5 seeded signals)`, () => {
      const s = statisticalDimension({ prior, T, lambda });
      const count = Math.ceil(8 * s);
      for (let seed = 0; seed < 5; seed++) {
        const y = randomBandSignal(new Rng(seed, 7), bands, 40);
        const plan = universalSamplingTimes({ T, count, statisticalDimension: s, seed });
        const rec = reconstructSignal({
          times: plan.times,
          values: plan.times.map(y),
          weights: plan.weights,
          prior,
          T,
          lambda,
        });
        expect(relativeError((ts) => rec.evaluate(ts), y, T)).toBeLessThan(1e-2);
        expect(rec.statisticalDimension).toBeCloseTo(s, 9);
        expect(rec.sampleCount).toBe(count);
      }
    });
  }

  it('the band matters: a multiband signal fitted with a too-narrow bandlimited prior fails', () => {
    const prior = { type: 'bandlimited', band: 1 };
    const s = statisticalDimension({ prior, T, lambda });
    const y = randomBandSignal(new Rng(3, 7), [[2.5, 3]], 40);
    const plan = universalSamplingTimes({ T, count: Math.ceil(8 * s), statisticalDimension: s, seed: 3 });
    const rec = reconstructSignal({ ...plan, values: plan.times.map(y), prior, T, lambda });
    expect(relativeError((ts) => rec.evaluate(ts), y, T)).toBeGreaterThan(0.5);
  });

  it('solves the weighted ridge system of the derivation exactly (q = 2, by hand)', () => {
    const prior = { type: 'gaussian', sigma: 0.3 };
    const p = normalizePrior(prior);
    const times = [0.4, 1.1];
    const values = [1.5, -0.7];
    const weights = [0.8, 0.3];
    const lam = 0.05;
    const rec = reconstructSignal({ times, values, weights, prior, T: 2, lambda: lam });
    // β = (W^{1/2} K W^{1/2} + λI)⁻¹ W^{1/2} y, α = W^{1/2} β, ỹ(t) = Σ α_j k(t − t_j)
    const k = (a: number, b: number) => priorKernel(p, a - b);
    const r = weights.map(Math.sqrt);
    const a11 = r[0]! * r[0]! * k(0.4, 0.4) + lam;
    const a12 = r[0]! * r[1]! * k(0.4, 1.1);
    const a22 = r[1]! * r[1]! * k(1.1, 1.1) + lam;
    const b1 = r[0]! * values[0]!;
    const b2 = r[1]! * values[1]!;
    const det = a11 * a22 - a12 * a12;
    const beta = [(a22 * b1 - a12 * b2) / det, (a11 * b2 - a12 * b1) / det];
    for (const t of [0, 0.4, 0.77, 1.9, 3]) {
      const want = r[0]! * beta[0]! * k(t, 0.4) + r[1]! * beta[1]! * k(t, 1.1);
      expect(rec.evaluate(t)).toBeCloseTo(want, 12);
    }
    // The ridge is relative to the weights: scaling every weight and λ together leaves ỹ unchanged.
    const scaled = reconstructSignal({
      times,
      values,
      weights: weights.map((w) => 3 * w),
      prior,
      T: 2,
      lambda: 3 * lam,
    });
    expect(scaled.evaluate(0.77)).toBeCloseTo(rec.evaluate(0.77), 12);
  });

  it('λ = 0 interpolates the samples; default weights are T/q; shapes of evaluate', () => {
    const prior = { type: 'cauchy', scale: 0.5 };
    const times = [0, 0.3, 1.2, 2];
    const values = [1, 2, -1, 0.5];
    const rec = reconstructSignal({ times, values, prior, T: 2, lambda: 0 });
    const at = rec.evaluate(times);
    expect(Array.isArray(at)).toBe(true);
    for (let i = 0; i < times.length; i++) expect(at[i]!).toBeCloseTo(values[i]!, 8);
    expect(typeof rec.evaluate(0.3)).toBe('number');
    expect(rec.evaluate(new Float64Array([0.3]))).toEqual([rec.evaluate(0.3)]);
    expect(rec.statisticalDimension).toBeNull();
    const withDefault = reconstructSignal({ times, values, prior, T: 2, lambda: 0.1 });
    const explicit = reconstructSignal({
      times,
      values,
      weights: [0.5, 0.5, 0.5, 0.5],
      prior,
      T: 2,
      lambda: 0.1,
    });
    expect(withDefault.evaluate(0.9)).toBe(explicit.evaluate(0.9));
    expect(JSON.parse(JSON.stringify({ s: withDefault.statisticalDimension })).s).toBeGreaterThan(0);
  });

  it('noise: the ridge fit averages noise down (error well below the per-sample noise level)', () => {
    const prior = { type: 'bandlimited', band: 0.5 };
    const lam = 1e-3;
    const s = statisticalDimension({ prior, T, lambda: lam });
    const rng = new Rng(9, 9);
    const y = randomBandSignal(rng, [[0, 0.5]], 20);
    const q = 600;
    const plan = universalSamplingTimes({ T, count: q, statisticalDimension: s, seed: 9 });
    let rms = 0;
    for (const t of plan.times) rms += y(t) ** 2;
    rms = Math.sqrt(rms / plan.times.length);
    const sigma = 0.1 * rms;
    const values = plan.times.map((t) => y(t) + sigma * rng.gaussian());
    const rec = reconstructSignal({ ...plan, values, prior, T, lambda: lam });
    // A ridge fit keeps ≈ s of the q noise directions, so error² ≈ 0.1²·s/q for uniform weights; importance
    // weights inflate that by up to max w / mean w ≈ Z/2 = 1 + ln(s/2) (universal-sampling.ts). Allow 2×.
    const err = relativeError((ts) => rec.evaluate(ts), y, T);
    expect(err).toBeLessThan(0.1 * Math.sqrt((2 * (1 + Math.log(s / 2)) * s) / q));
    expect(err).toBeGreaterThan((0.1 * Math.sqrt(s / q)) / 4);
  });

  it('rejects bad input with stable codes', () => {
    const ok = {
      times: [0.1, 0.5],
      values: [1, 2],
      prior: { type: 'bandlimited', band: 1 },
      T: 1,
      lambda: 0.01,
    };
    expect(code(() => reconstructSignal(ok))).toBe('no error');
    expect(code(() => reconstructSignal({ ...ok, prior: { type: 'bandlimited', band: -1 } }))).toBe(
      'INVALID_PRIOR',
    );
    expect(code(() => reconstructSignal({ ...ok, prior: { type: 'multiband', bands: [] } }))).toBe(
      'INVALID_PRIOR',
    );
    expect(code(() => reconstructSignal({ ...ok, prior: undefined }))).toBe('INVALID_PRIOR');
    expect(code(() => reconstructSignal({ ...ok, times: [], values: [] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => reconstructSignal({ ...ok, values: [1, Number.NaN] }))).toBe('NON_FINITE_VALUE');
    expect(code(() => reconstructSignal({ ...ok, times: [0.1, Number.POSITIVE_INFINITY] }))).toBe(
      'NON_FINITE_VALUE',
    );
    expect(code(() => reconstructSignal({ ...ok, values: [1] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => reconstructSignal({ ...ok, weights: [1] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => reconstructSignal({ ...ok, weights: [1, 0] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => reconstructSignal({ ...ok, weights: [1, Number.NaN] }))).toBe('NON_FINITE_VALUE');
    expect(code(() => reconstructSignal({ ...ok, times: [0.1, 1.5] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => reconstructSignal({ ...ok, T: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => reconstructSignal({ ...ok, T: -2 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => reconstructSignal({ ...ok, lambda: -0.1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => reconstructSignal({ ...ok, lambda: Number.NaN }))).toBe('NON_FINITE_VALUE');
    expect(code(() => reconstructSignal({ ...ok, values: [1, '2'] as unknown as number[] }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => reconstructSignal({ ...ok, times: 'abc' as unknown as number[] }))).toBe(
      'INVALID_ARGUMENT',
    );
    const many = Array.from({ length: 2001 }, (_, i) => i / 2001);
    expect(code(() => reconstructSignal({ ...ok, times: many, values: many }))).toBe('INVALID_ARGUMENT');
    // Duplicate times at λ = 0 stay solvable (the round-off ridge floor): the fit takes their mean.
    const dup = reconstructSignal({ ...ok, times: [0.5, 0.5], values: [1, 3], lambda: 0 });
    expect(dup.evaluate(0.5)).toBeCloseTo(2, 3); // conditioning ≈ 1e12 costs ≈ 4 digits
    const rec = reconstructSignal(ok);
    expect(code(() => rec.evaluate(Number.NaN))).toBe('NON_FINITE_VALUE');
    expect(code(() => rec.evaluate([0, Number.NaN]))).toBe('NON_FINITE_VALUE');
  });
});
