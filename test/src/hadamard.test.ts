import { describe, expect, it } from 'vitest';
import { fwht, powerOfTwoBlocks } from '../../src/hadamard.js';
import { Rng } from '../../src/rng.js';
import { createRotation } from '../../src/rotation.js';

// Sylvester's construction entry: H[i][j] = (−1)^{popcount(i & j)}.
function naiveHadamard(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) {
      let bits = i & j;
      let parity = 0;
      while (bits) {
        parity ^= bits & 1;
        bits >>= 1;
      }
      s += parity ? -x[j]! : x[j]!;
    }
    out[i] = s;
  }
  return out;
}

describe('fast Walsh–Hadamard transform', () => {
  it('equals the naive Hadamard product for every n ≤ 64, at an offset', () => {
    const rng = new Rng(1);
    for (let n = 1; n <= 64; n *= 2) {
      const x = Float64Array.from({ length: n }, () => rng.gaussian());
      const buf = new Float64Array(n + 3);
      buf.set(x, 3);
      fwht(buf, 3, n);
      const want = naiveHadamard(x);
      for (let i = 0; i < n; i++) expect(buf[3 + i]).toBeCloseTo(want[i]!, 10);
    }
  });

  it('tiles a dimension into power-of-two blocks', () => {
    expect(powerOfTwoBlocks(784)).toEqual([512, 256, 16]);
    expect(powerOfTwoBlocks(768)).toEqual([512, 256]);
    expect(powerOfTwoBlocks(101)).toEqual([64, 32, 4, 1]);
    expect(powerOfTwoBlocks(1024)).toEqual([1024]);
  });
});

describe('randomized Hadamard rotation', () => {
  const cases = [
    ['padded', 1],
    ['padded', 2],
    ['padded', 3],
    ['blocked', 1],
    ['blocked', 2],
    ['blocked', 3],
  ] as const;
  for (const [kind, rounds] of cases) {
    it(`${kind} × ${rounds} preserves norms and inner products, and inverts exactly`, () => {
      const rng = new Rng(9);
      for (const d of [1, 7, 100, 784, 1024]) {
        const rot = createRotation(d, kind, rounds, 123);
        expect(rot.outputDimension).toBe(kind === 'padded' ? 2 ** Math.ceil(Math.log2(d)) : d);
        const x = Float64Array.from({ length: d }, () => rng.gaussian());
        const q = Float64Array.from({ length: d }, () => rng.gaussian());
        const rx = new Float64Array(rot.outputDimension);
        const rq = new Float64Array(rot.outputDimension);
        rot.apply(x, rx);
        rot.apply(q, rq);
        let nx = 0;
        let nrx = 0;
        let dot = 0;
        let rdot = 0;
        for (let i = 0; i < d; i++) {
          nx += x[i]! * x[i]!;
          dot += x[i]! * q[i]!;
        }
        for (let i = 0; i < rot.outputDimension; i++) {
          nrx += rx[i]! * rx[i]!;
          rdot += rx[i]! * rq[i]!;
        }
        expect(Math.abs(Math.sqrt(nrx) - Math.sqrt(nx)) / Math.sqrt(nx)).toBeLessThan(1e-5);
        expect(Math.abs(rdot - dot)).toBeLessThan(1e-9 * Math.sqrt(nx * nrx) * d);
        const back = new Float64Array(d);
        rot.invert(rx, back);
        for (let i = 0; i < d; i++)
          expect(Math.abs(back[i]! - x[i]!)).toBeLessThan(1e-12 * Math.sqrt(nx) * 10);
      }
    });
  }

  it('actually rotates: a basis vector is spread over every coordinate', () => {
    const rot = createRotation(784, 'blocked', 2, 5);
    const e = new Float64Array(784);
    e[3] = 1;
    const out = new Float64Array(784);
    rot.apply(e, out);
    let nonzero = 0;
    for (const v of out) if (Math.abs(v) > 1e-12) nonzero++;
    expect(nonzero).toBeGreaterThan(500);
  });
});
