import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createQuantizer, type Quantizer, type QuantizerOptions } from '../../src/quantizer/index.js';
import { packLevels, unpackLevels } from '../../src/quantizer/packing.js';
import { Rng } from '../../src/rng.js';
import { setWasmKernelsEnabled, wasmKernels } from '../../src/wasm/kernels.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Two quantizers with equal options: one on the JavaScript kernels (and so are its queries), one on wasm. */
function pair(options: QuantizerOptions): { js: Quantizer; wasm: Quantizer } {
  setWasmKernelsEnabled(false);
  const js = createQuantizer(options);
  setWasmKernelsEnabled(true);
  const wasm = createQuantizer(options);
  expect(js.kernels).toBeNull();
  expect(wasm.kernels).not.toBeNull();
  return { js, wasm };
}

function gaussian(rng: Rng, d: number): Float64Array {
  const x = new Float64Array(d);
  for (let i = 0; i < d; i++) x[i] = rng.gaussian();
  return x;
}

afterEach(() => setWasmKernelsEnabled(true));

describe('WebAssembly kernels', () => {
  it('load on Node 20 (SIMD validates), and can be switched off', () => {
    expect(wasmKernels()).not.toBeNull();
    setWasmKernelsEnabled(false);
    expect(wasmKernels()).toBeNull();
  });

  it('the committed module equals a fresh compile of wasm/kernels.ts', () => {
    const out = execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out).toContain('up to date');
  }, 60_000);

  const cases: [number, 'blocked' | 'padded', number, number][] = [
    [784, 'blocked', 2, 1],
    [784, 'blocked', 2, 4],
    [784, 'blocked', 3, 8],
    [37, 'blocked', 1, 3],
    [7, 'blocked', 2, 2],
    [100, 'padded', 1, 2],
    [1024, 'padded', 2, 5],
  ];

  for (const [dimension, rotation, rounds, bits] of cases) {
    it(`encodes byte-identically to the JavaScript kernels (d=${dimension} ${rotation}×${rounds}, b=${bits})`, () => {
      const { js, wasm } = pair({ dimension, bits, rotation, rounds, seed: 11 });
      const rng = new Rng(3, dimension);
      const center = gaussian(rng, dimension);
      for (let t = 0; t < 40; t++) {
        const x = gaussian(rng, dimension);
        // Sparse and scaled inputs too: clipping and tiny norms take other branches of the lattice loop.
        if (t % 5 === 1) for (let i = 1; i < dimension; i++) x[i] = 0;
        if (t % 5 === 2) for (let i = 0; i < dimension; i++) x[i]! *= 1e-3;
        const u = rng.next();
        const options = t % 2 === 0 ? { dither: u } : { dither: u, center };
        const a = js.encode(x, options);
        const b = wasm.encode(x, options);
        expect(b.scale).toBe(a.scale);
        expect(b.gain).toBe(a.gain);
        expect(b.dither).toBe(a.dither);
        expect(b.squaredNorm).toBe(a.squaredNorm);
        expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
      }
      // The JavaScript encoder's word-wise packing writes exactly packLevels' bytes.
      const last = js.encode(gaussian(rng, dimension), { dither: 0.5 });
      const levels = new Uint8Array(js.paddedDimension);
      unpackLevels(last.data, 0, js.paddedDimension, bits, levels);
      const repacked = new Uint8Array(js.bytesPerCode);
      packLevels(levels, js.paddedDimension, bits, repacked);
      expect(Buffer.from(repacked).equals(Buffer.from(last.data))).toBe(true);
      // Float32 inputs take the bulk-copy path (loadResidualF32): the same codes again.
      const x32 = Float32Array.from(gaussian(rng, dimension));
      const c32 = Float32Array.from(center);
      for (const options of [{ dither: 0.4 }, { dither: 0.6, center: c32 }]) {
        const a = js.encode(x32, options);
        const b = wasm.encode(x32, options);
        expect([b.scale, b.gain, b.squaredNorm]).toEqual([a.scale, a.gain, a.squaredNorm]);
        expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
      }
      // The zero residual (x = center) has no direction: all levels 0, scale 0, on both paths.
      const z = wasm.encode(center, { dither: 0.3, center });
      expect(z.scale).toBe(0);
      expect(Buffer.from(z.data).equals(Buffer.from(js.encode(center, { dither: 0.3, center }).data))).toBe(
        true,
      );
    });

    it(`scanList matches per-code estimates within 1e-6 SE (d=${dimension} ${rotation}, b=${bits})`, () => {
      const { js, wasm } = pair({ dimension, bits, rotation, rounds, seed: 12 });
      const rng = new Rng(4, dimension);
      const count = 1100; // more than one kernel batch (SCAN_BATCH = 1024)
      const B = wasm.bytesPerCode;
      const codes = new Uint8Array(count * B);
      const scales = new Float64Array(count);
      const dithers = new Float64Array(count);
      for (let t = 0; t < count; t++) {
        const r = wasm.encodeInto(gaussian(rng, dimension), null, rng.next(), codes, t * B);
        scales[t] = r.scale;
        dithers[t] = r.dither;
      }
      const query = gaussian(rng, dimension);
      const pw = wasm.prepareQuery(query);
      const pj = js.prepareQuery(query);
      const outW = new Float64Array(count);
      const outJ = new Float64Array(count);
      pw.scanList(codes, count, scales, dithers, 0.25, outW);
      pj.scanList(codes, count, scales, dithers, 0.25, outJ);
      let worst = 0;
      for (let t = 0; t < count; t++) {
        const exact = 0.25 + scales[t]! * pj.rotatedDot(codes, t * B, dithers[t]!);
        expect(outJ[t]).toBe(exact); // the fallback is the per-code scan itself
        const se = scales[t]! * pj.rotatedStandardError(codes, t * B, dithers[t]!);
        worst = Math.max(worst, Math.abs(outW[t]! - exact) / se);
      }
      // Fixed-point query error ≤ (L − 1)·n·max|q'|·2^-30 (src/quantizer/prepared.ts); measured ~1e-8…1e-6 SE.
      expect(worst).toBeLessThan(1e-6 * Math.max(1, (1 << bits) / 16));
      // From 2 bits on the batch runs in fixed point (so it differs in the last bits); at 1 bit it is the table.
      if (bits >= 2) expect(worst).toBeGreaterThan(0);
      else expect(worst).toBe(0);
    });
  }

  it('scans large codes in batches the codes area can hold (d = 2^17, 8 bits: 8 codes per MiB)', () => {
    const { js, wasm } = pair({ dimension: 1 << 17, bits: 8, seed: 2 });
    const rng = new Rng(6, 6);
    const count = 11;
    const B = wasm.bytesPerCode;
    const codes = new Uint8Array(count * B);
    const scales = new Float64Array(count);
    const dithers = new Float64Array(count);
    for (let t = 0; t < count; t++) {
      const r = wasm.encodeInto(gaussian(rng, 1 << 17), null, rng.next(), codes, t * B);
      scales[t] = r.scale;
      dithers[t] = r.dither;
    }
    const query = gaussian(rng, 1 << 17);
    const pj = js.prepareQuery(query);
    const out = new Float64Array(count);
    wasm.prepareQuery(query).scanList(codes, count, scales, dithers, 0, out);
    for (let t = 0; t < count; t++) {
      const exact = scales[t]! * pj.rotatedDot(codes, t * B, dithers[t]!);
      const se = scales[t]! * pj.rotatedStandardError(codes, t * B, dithers[t]!);
      expect(Math.abs(out[t]! - exact)).toBeLessThan(1e-4 * se);
    }
  });

  it('scanList of a zero query gives centerDot exactly', () => {
    const q = createQuantizer({ dimension: 64, bits: 4, seed: 1 });
    const codes = new Uint8Array(3 * q.bytesPerCode);
    const rng = new Rng(5, 5);
    for (let t = 0; t < 3; t++) q.encodeInto(gaussian(rng, 64), null, 0.5, codes, t * q.bytesPerCode);
    const out = new Float64Array(3);
    q.prepareQuery(new Float64Array(64)).scanList(codes, 3, [1, 2, 3], [0.1, 0.2, 0.3], 0.75, out);
    expect([...out]).toEqual([0.75, 0.75, 0.75]);
  });
});
