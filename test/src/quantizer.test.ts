import { describe, expect, it } from 'vitest';
import { DitherError } from '../../src/errors.js';
import { createQuantizer } from '../../src/quantizer/index.js';
import { Rng } from '../../src/rng.js';

function unit(rng: Rng, d: number): Float64Array {
  const v = Float64Array.from({ length: d }, () => rng.gaussian());
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** q with ⟨q, x⟩ = cos for unit x: a near neighbour, where clipping bias would show if there were any. */
function correlated(rng: Rng, x: Float64Array, cos: number): Float64Array {
  const w = unit(rng, x.length);
  let dot = 0;
  for (let i = 0; i < x.length; i++) dot += w[i]! * x[i]!;
  const perp = w.map((v, i) => v - dot * x[i]!);
  const pn = Math.hypot(...perp);
  return x.map((v, i) => cos * v + Math.sqrt(1 - cos * cos) * (perp[i]! / pn));
}

function codeOf(err: unknown): string | undefined {
  return err instanceof DitherError ? err.code : undefined;
}

function thrown(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return codeOf(err);
  }
  return undefined;
}

describe('createQuantizer: unbiased estimates with calibrated error bars', () => {
  const trials = 2000;
  for (const d of [100, 784]) {
    for (const kind of ['dithered', 'turbo'] as const) {
      it(`d = ${d}, ${kind}: for b = 3…8 the mean estimate is ⟨q, x⟩ and the spread is the reported SE`, () => {
        const rng = new Rng(1000 + d);
        // x is not unit and has a mean offset: a realistic, non-isotropic vector.
        const x = unit(rng, d).map((v) => 3 * v + 0.05);
        const xn = Math.hypot(...x);
        const q = correlated(
          rng,
          x.map((v) => v / xn),
          0.8,
        ).map((v) => 2 * v);
        let truth = 0;
        for (let i = 0; i < d; i++) truth += q[i]! * x[i]!;
        for (let bits = 3; bits <= 8; bits++) {
          let sum = 0;
          let sumSq = 0;
          let seSq = 0;
          for (let t = 0; t < trials; t++) {
            const quantizer = createQuantizer({ dimension: d, bits, kind, seed: t });
            const code = quantizer.encode(x);
            const prepared = quantizer.prepareQuery(q);
            const est = quantizer.innerProduct(prepared, code);
            const se = quantizer.standardError(prepared, code);
            sum += est - truth;
            sumSq += (est - truth) ** 2;
            seSq += se * se;
          }
          const mean = sum / trials;
          const empiricalSd = Math.sqrt(sumSq / trials - mean * mean);
          const reportedSe = Math.sqrt(seSq / trials);
          // The mean of 2000 draws has standard error sd/√2000; 4.5 of those leaves ~1e-5 false alarms per case.
          expect(Math.abs(mean), `b=${bits} mean error`).toBeLessThan(
            (4.5 * empiricalSd) / Math.sqrt(trials),
          );
          // Calibration: the spread across seeds within 20 % of the reported one sigma.
          expect(empiricalSd / reportedSe, `b=${bits} sd/SE`).toBeGreaterThan(0.8);
          expect(empiricalSd / reportedSe, `b=${bits} sd/SE`).toBeLessThan(1.2);
        }
      });
    }
  }

  for (const kind of ['dithered', 'turbo'] as const) {
    it(`${kind}: the mean of decode tends to x (b = 4, d = 100)`, () => {
      const d = 100;
      const rng = new Rng(77);
      const x = unit(rng, d).map((v) => v + 0.1);
      const mean = new Float64Array(d);
      let mse = 0;
      const n = 2000;
      for (let t = 0; t < n; t++) {
        const quantizer = createQuantizer({ dimension: d, bits: 4, kind, seed: t });
        const xh = quantizer.decode(quantizer.encode(x));
        for (let i = 0; i < d; i++) {
          mean[i] = mean[i]! + xh[i]! / n;
          mse += (xh[i]! - x[i]!) ** 2 / n;
        }
      }
      let err = 0;
      for (let i = 0; i < d; i++) err += (mean[i]! - x[i]!) ** 2;
      // Unbiased: E‖mean − x‖² = MSE/n, a sum of d squares (χ²-like, relative spread √(2/d) ≈ 0.14).
      // A 1 % shrink of x alone would add ‖0.01·x‖² ≈ 2e-4, fifty times MSE/n here.
      expect(err).toBeLessThan((1.6 * mse) / n);
    });
  }

  // A seeded regression guard; the precise figures come from `npm run bench:quantizer` over many more vectors.
  // (Turbo's outermost cells are wide: a vector with a coordinate beyond ~4.5σ pays for it, so small samples vary.)
  it('stays near the MSE·4^b orientation values on random unit vectors (d = 1024)', () => {
    const rng = new Rng(3);
    const d = 1024;
    for (const [kind, bits, bound] of [
      ['turbo', 4, 2.95],
      ['turbo', 8, 3.1],
      ['dithered', 1, 1.85],
      ['dithered', 2, 2.15],
    ] as const) {
      let mse = 0;
      const n = 200;
      for (let t = 0; t < n; t++) {
        const quantizer = createQuantizer({ dimension: d, bits, kind, seed: t });
        const x = unit(rng, d);
        const xh = quantizer.decode(quantizer.encode(x));
        for (let i = 0; i < d; i++) mse += (xh[i]! - x[i]!) ** 2 / n;
      }
      expect(mse * 4 ** bits, `${kind} b=${bits}`).toBeLessThan(bound);
    }
  });
});

describe('createQuantizer: API contract', () => {
  it('describes itself', () => {
    const q = createQuantizer({ dimension: 784, bits: 4 });
    expect(q.dimension).toBe(784);
    expect(q.paddedDimension).toBe(784);
    expect(q.bits).toBe(4);
    expect(q.bytesPerCode).toBe(392);
    expect(q.bitsPerDimension).toBe(4);
    const p = createQuantizer({ dimension: 784, bits: 4, rotation: 'padded' });
    expect(p.paddedDimension).toBe(1024);
    expect(p.bytesPerCode).toBe(512);
  });

  it('uses a fresh dither per encode unless one is given, and honours `dither` exactly', () => {
    const q = createQuantizer({ dimension: 64, bits: 2, seed: 1 });
    const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
    const a = q.encode(x);
    const b = q.encode(x);
    expect(a.dither).not.toBe(b.dither);
    const c = q.encode(x, { dither: 0.25 });
    const e = q.encode(Array.from(x), { dither: 0.25 });
    expect(Array.from(c.data)).toEqual(Array.from(e.data));
    expect(c.scale).toBe(e.scale);
  });

  it('estimates residual codes against a center, and distances and cosines from the same estimate', () => {
    const rng = new Rng(4);
    const d = 128;
    const q = createQuantizer({ dimension: d, bits: 8, seed: 2 });
    const center = unit(rng, d).map((v) => v * 5);
    const x = center.map((v) => v + 0.3 * rng.gaussian());
    const y = unit(rng, d);
    const code = q.encode(x, { center });
    const prepared = q.prepareQuery(y, { center });
    let dot = 0;
    let dist = 0;
    let xx = 0;
    for (let i = 0; i < d; i++) {
      dot += y[i]! * x[i]!;
      dist += (y[i]! - x[i]!) ** 2;
      xx += x[i]! * x[i]!;
    }
    const se = q.standardError(prepared, code);
    expect(Math.abs(q.innerProduct(prepared, code) - dot)).toBeLessThan(5 * se);
    expect(Math.abs(q.squaredDistance(prepared, code) - dist)).toBeLessThan(10 * se);
    expect(Math.abs(q.cosine(prepared, code) - dot / Math.sqrt(xx))).toBeLessThan((5 * se) / Math.sqrt(xx));
    const decoded = q.decode(code);
    // decode returns x − c for residual codes.
    for (let i = 0; i < d; i++) expect(Math.abs(decoded[i]! + center[i]! - x[i]!)).toBeLessThan(0.1);
    expect(thrown(() => q.innerProduct(q.prepareQuery(y), code))).toBe('INVALID_ARGUMENT');
  });

  it('a code survives a round trip through structured clone and JSON-friendly arrays', () => {
    const q = createQuantizer({ dimension: 50, bits: 3, kind: 'turbo', seed: 5 });
    const x = Array.from({ length: 50 }, (_, i) => Math.cos(i));
    const code = q.encode(x);
    const clone = structuredClone(code);
    const p = q.prepareQuery(x);
    expect(q.innerProduct(p, clone)).toBe(q.innerProduct(p, code));
  });

  it('a zero vector encodes, decodes to zeros and estimates 0', () => {
    for (const kind of ['dithered', 'turbo'] as const) {
      const q = createQuantizer({ dimension: 33, bits: 4, kind });
      const code = q.encode(new Float32Array(33));
      expect(q.decode(code).every((v) => v === 0)).toBe(true);
      const p = q.prepareQuery(Array.from({ length: 33 }, (_, i) => i));
      expect(q.innerProduct(p, code)).toBe(0);
      expect(q.standardError(p, code)).toBe(0);
    }
  });

  it('rejects bad input with stable codes', () => {
    expect(thrown(() => createQuantizer({ dimension: 0, bits: 4 }))).toBe('INVALID_DIMENSION');
    expect(thrown(() => createQuantizer({ dimension: 1.5, bits: 4 }))).toBe('INVALID_DIMENSION');
    expect(thrown(() => createQuantizer({ dimension: -3, bits: 4 }))).toBe('INVALID_DIMENSION');
    expect(thrown(() => createQuantizer({ dimension: Number.NaN, bits: 4 }))).toBe('INVALID_DIMENSION');
    expect(thrown(() => createQuantizer({ dimension: 8, bits: 0 }))).toBe('INVALID_BITS');
    expect(thrown(() => createQuantizer({ dimension: 8, bits: 9 }))).toBe('INVALID_BITS');
    expect(thrown(() => createQuantizer({ dimension: 8, bits: 2.5 }))).toBe('INVALID_BITS');
    expect(thrown(() => createQuantizer({ dimension: 8, bits: 4, kind: 'lloyd' as never }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(thrown(() => createQuantizer({ dimension: 8, bits: 4, rounds: 4 }))).toBe('INVALID_ARGUMENT');
    expect(thrown(() => createQuantizer({ dimension: 8, bits: 4, rotation: 'none' as never }))).toBe(
      'INVALID_ARGUMENT',
    );
    const q = createQuantizer({ dimension: 8, bits: 4 });
    expect(thrown(() => q.encode([1, 2, 3]))).toBe('DIMENSION_MISMATCH');
    expect(thrown(() => q.encode([1, 2, 3, 4, 5, 6, 7, Number.NaN]))).toBe('NON_FINITE_VALUE');
    expect(thrown(() => q.encode([1, 2, 3, 4, 5, 6, 7, Number.POSITIVE_INFINITY]))).toBe('NON_FINITE_VALUE');
    expect(thrown(() => q.encode([1, 2, 3, 4, 5, 6, 7, Number.NEGATIVE_INFINITY]))).toBe('NON_FINITE_VALUE');
    expect(thrown(() => q.encode([1, 2, 3, 4, 5, 6, 7, '8'] as never))).toBe('INVALID_ARGUMENT');
    expect(thrown(() => q.encode(new Array(8).fill(1), { dither: 1 }))).toBe('INVALID_ARGUMENT');
    expect(thrown(() => q.prepareQuery(new Array(9).fill(1)))).toBe('DIMENSION_MISMATCH');
    const code = q.encode(new Array(8).fill(1));
    const p = q.prepareQuery(new Array(8).fill(1));
    expect(thrown(() => q.innerProduct(p, { ...code, data: new Uint8Array(3) }))).toBe('INVALID_CODE');
    const other = createQuantizer({ dimension: 8, bits: 4 });
    expect(thrown(() => other.innerProduct(p, code))).toBe('INVALID_ARGUMENT');
  });
});
