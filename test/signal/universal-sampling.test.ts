import { describe, expect, it } from 'vitest';
import {
  impliedSampleCount,
  universalCdf,
  universalDensity,
  universalSamplingTimes,
} from '../../src/signal/universal-sampling.js';

/** sup_t |F_n(t) − F(t)| over the sorted sample. */
function ksStatistic(sorted: number[], cdf: (t: number) => number): number {
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
}

describe('universal sampling distribution', () => {
  it('density is min(s/T, 1/min(t, T−t)) up to one constant, integrates to 1, and the CDF is its integral', () => {
    for (const [T, s] of [
      [10, 27],
      [3, 1.5],
      [1, 400],
    ] as const) {
      // shape: p(t)·Z = min(s/T, 1/m)
      const z = s <= 2 ? s : 2 + 2 * Math.log(s / 2);
      for (const t of [0, T * 1e-4, T / s / 2, T / 7, T / 3, T / 2, T * 0.9, T]) {
        const m = Math.min(t, T - t);
        const shape = Math.min(s / T, m > 0 ? 1 / m : Number.POSITIVE_INFINITY);
        expect(universalDensity(t, T, s) * z).toBeCloseTo(shape, 10);
      }
      // midpoint-rule integral of the density matches the closed-form CDF at several points
      const steps = 200_000;
      const h = T / steps;
      let acc = 0;
      for (let i = 0; i < steps; i++) {
        acc += universalDensity((i + 0.5) * h, T, s) * h;
        if ((i + 1) % 40_000 === 0)
          expect(Math.abs(acc - universalCdf((i + 1) * h, T, s))).toBeLessThan(1e-6);
      }
      expect(Math.abs(acc - 1)).toBeLessThan(1e-6);
    }
  });

  it('samples follow the density: Kolmogorov–Smirnov at 1% against it, and reject the uniform law', () => {
    const n = 20_000;
    // Critical value of √n·D_n at α = 0.01 is 1.628 (Kolmogorov distribution).
    const crit = 1.628 / Math.sqrt(n);
    for (const [T, s, seed] of [
      [10, 27, 1],
      [2, 150, 2],
      [5, 1, 3],
    ] as const) {
      const plan = universalSamplingTimes({ T, count: n, statisticalDimension: s, seed });
      expect(ksStatistic(plan.times, (t) => universalCdf(t, T, s))).toBeLessThan(crit);
      if (s > 2) expect(ksStatistic(plan.times, (t) => t / T)).toBeGreaterThan(5 * crit);
    }
  });

  it('returns sorted times in [0, T] with importance weights 1/(count·p(t)), reproducible by seed', () => {
    const T = 7;
    const s = 40;
    const count = 5000;
    const plan = universalSamplingTimes({ T, count, statisticalDimension: s, seed: 11 });
    expect(plan.times).toHaveLength(count);
    expect(plan.weights).toHaveLength(count);
    expect(plan.statisticalDimension).toBe(s);
    let inRange = true;
    let sorted = true;
    let worstWeight = 0;
    for (let i = 0; i < count; i++) {
      const t = plan.times[i]!;
      inRange &&= t >= 0 && t <= T;
      if (i > 0) sorted &&= t >= plan.times[i - 1]!;
      worstWeight = Math.max(worstWeight, Math.abs(plan.weights[i]! * count * universalDensity(t, T, s) - 1));
    }
    expect(inRange).toBe(true);
    expect(sorted).toBe(true);
    expect(worstWeight).toBeLessThan(1e-12);
    // E Σ w_i = T; Var Σ w_i = (∫_0^T 1/p dt − T²)/count. Check within 5 standard errors.
    let invP = 0;
    const steps = 100_000;
    for (let i = 0; i < steps; i++) invP += T / steps / universalDensity(((i + 0.5) * T) / steps, T, s);
    const se = Math.sqrt((invP - T * T) / count);
    const sum = plan.weights.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - T)).toBeLessThan(5 * se);
    expect(universalSamplingTimes({ T, count, statisticalDimension: s, seed: 11 })).toEqual(plan);
    expect(universalSamplingTimes({ T, count, statisticalDimension: s, seed: 12 }).times).not.toEqual(
      plan.times,
    );
  });

  it('importance weights make Σ w f(t)² an unbiased estimate of ∫ f² (within 5 standard errors)', () => {
    const T = 4;
    const f = (t: number) => Math.cos(2.3 * t) + t / T;
    let exact = 0;
    const steps = 100_000;
    for (let i = 0; i < steps; i++) exact += (f(((i + 0.5) * T) / steps) ** 2 * T) / steps;
    const reps = 200;
    const est: number[] = [];
    for (let r = 0; r < reps; r++) {
      const p = universalSamplingTimes({ T, count: 50, statisticalDimension: 20, seed: 100 + r });
      est.push(p.times.reduce((a, t, i) => a + p.weights[i]! * f(t) ** 2, 0));
    }
    const mean = est.reduce((a, b) => a + b, 0) / reps;
    const sd = Math.sqrt(est.reduce((a, b) => a + (b - mean) ** 2, 0) / (reps - 1));
    expect(Math.abs(mean - exact)).toBeLessThan((5 * sd) / Math.sqrt(reps));
  });

  it('implied sample count', () => {
    expect(impliedSampleCount(27.1)).toBe(217);
    expect(impliedSampleCount(10, { oversampling: 1, logSquared: true })).toBe(
      Math.ceil(10 * Math.log(10) ** 2),
    );
    expect(code(() => impliedSampleCount(0))).toBe('INVALID_ARGUMENT');
  });

  it('validates its input with stable codes', () => {
    const ok = { T: 1, count: 10, statisticalDimension: 5, seed: 1 };
    expect(code(() => universalSamplingTimes(ok))).toBe('no error');
    expect(code(() => universalSamplingTimes({ ...ok, T: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => universalSamplingTimes({ ...ok, T: Number.NaN }))).toBe('NON_FINITE_VALUE');
    expect(code(() => universalSamplingTimes({ ...ok, count: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => universalSamplingTimes({ ...ok, count: 2.5 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => universalSamplingTimes({ ...ok, statisticalDimension: -1 }))).toBe('INVALID_ARGUMENT');
    expect(
      code(() => universalSamplingTimes({ ...ok, statisticalDimension: Number.POSITIVE_INFINITY })),
    ).toBe('NON_FINITE_VALUE');
    expect(code(() => universalSamplingTimes({ ...ok, seed: 0.5 }))).toBe('INVALID_ARGUMENT');
  });
});
