import { describe, expect, it } from 'vitest';
import { packedBytes, packLevels, unpackLevels } from '../../src/quantizer/packing.js';
import { Rng } from '../../src/rng.js';

describe('bit-plane packing', () => {
  it('round-trips every b = 1…8 for odd and even lengths', () => {
    const rng = new Rng(2);
    for (let bits = 1; bits <= 8; bits++) {
      for (const n of [1, 3, 7, 9, 17, 101, 784, 1023]) {
        const levels = Uint8Array.from({ length: n }, () => rng.int(1 << bits));
        const out = new Uint8Array(packedBytes(n, bits) + 5);
        packLevels(levels, n, bits, out, 5);
        const back = new Uint8Array(n);
        unpackLevels(out, 5, n, bits, back);
        expect(Array.from(back)).toEqual(Array.from(levels));
        expect(packedBytes(n, bits)).toBe(bits * Math.ceil(n / 8));
      }
    }
  });
});
