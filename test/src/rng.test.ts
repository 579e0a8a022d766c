import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';

describe('Rng', () => {
  it('is reproducible from its seed and differs across seeds and streams', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const d = new Rng(42, 1);
    const xs = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(xs);
    expect(Array.from({ length: 8 }, () => d.nextU32())).not.toEqual(xs);
  });

  it('draws uniforms and gaussians with the right first two moments', () => {
    const rng = new Rng(7);
    const n = 200_000;
    let su = 0;
    let suu = 0;
    let sg = 0;
    let sgg = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      suu += u * u;
      const g = rng.gaussian();
      sg += g;
      sgg += g * g;
    }
    // Standard errors: uniform mean sd = sqrt(1/12/n); gaussian mean sd = 1/sqrt(n), variance sd = sqrt(2/n).
    expect(Math.abs(su / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(suu / n - 1 / 3)).toBeLessThan(5 * Math.sqrt(4 / 45 / n));
    expect(Math.abs(sg / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(sgg / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });

  it('permutes every index exactly once', () => {
    const p = new Rng(3).permutation(1000);
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});
