/**
 * Encode and estimate throughput of the quantizer kernels at d = 784 (blocked rotation, 2 rounds), b = 1…8:
 * the JavaScript kernels, the WebAssembly SIMD kernels, and a plain Float32 dot product over the original vectors
 * measured in the same run (the shared machine is noisy; ratios to that baseline are what to compare).
 * Each figure is the median of REPS timed repetitions. Correctness is checked before timing: WebAssembly codes
 * must equal the JavaScript codes byte for byte, and batch estimates must match per-code estimates to 1e-4 SE.
 *
 *   npx tsx bench/kernels-speed.ts [--reps 7] [--bits 1,2,4,8]
 */
import os from 'node:os';
import { createQuantizer, type Quantizer } from '../src/quantizer/index.js';
import { Rng } from '../src/rng.js';
import { setWasmKernelsEnabled, wasmKernels } from '../src/wasm/kernels.js';

const D = 784;
const N_ENCODE = 4000;
const N_SCAN = 20000;
const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const REPS = Number(argValue('--reps') ?? 7);
const BITS = (argValue('--bits') ?? '1,2,3,4,5,6,7,8').split(',').map(Number);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Interleaved timing: each repetition runs every fn once, in turn, so that all of them see the same machine load;
 * returns per fn the median seconds per call, and per fn the median over repetitions of (its rate / the first
 * fn's rate) — ratios from the same moment, far steadier than ratios of medians on a loaded machine.
 */
function timeTogether(fns: (() => void)[]): { seconds: number[]; ratioToFirst: number[] } {
  for (const fn of fns) fn();
  const t: number[][] = fns.map(() => []);
  for (let r = 0; r < REPS; r++) {
    fns.forEach((fn, i) => {
      const start = process.hrtime.bigint();
      fn();
      t[i]!.push(Number(process.hrtime.bigint() - start) / 1e9);
    });
  }
  return {
    seconds: t.map(median),
    ratioToFirst: t.map((ts) => median(ts.map((x, r) => t[0]![r]! / x))),
  };
}

const rng = new Rng(20261204, 1);
const vectors = new Float32Array(N_SCAN * D);
for (let i = 0; i < vectors.length; i++) vectors[i] = rng.gaussian();
const query = new Float32Array(D);
for (let i = 0; i < D; i++) query[i] = rng.gaussian();
const dithers = new Float64Array(N_SCAN);
for (let i = 0; i < N_SCAN; i++) dithers[i] = rng.next();

// Baseline: Float32 dot products of the query with the original vectors (plain JavaScript loop), per vector.
const dots = new Float64Array(N_SCAN);
let sink = 0;
function dot(a: Float32Array, offset: number, q: Float32Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[offset + i]! * q[i]!;
  return s;
}
const dotRun = (count: number) => () => {
  for (let v = 0; v < count; v++) dots[v] = dot(vectors, v * D, query, D);
  sink += dots[0]!;
};

// Warm the baseline up to its optimised tier before any timing (otherwise the first row's ratios carry the JIT).
for (let r = 0; r < 3; r++) dotRun(N_SCAN)();

// Second reference: the same dot products as a WebAssembly f32x4 loop (wasm/kernels.ts dotF32) over rows copied
// past the kernels' arena — what a SIMD float scan of the uncompressed vectors costs.
const kernels = wasmKernels();
const SIMD_ROWS = N_SCAN; // all rows, so both baselines stream the same 63 MB
let simdDot: (() => void) | null = null;
if (kernels !== null) {
  kernels.ensure(D);
  const memory = kernels.exports.memory;
  const base = Math.ceil(memory.buffer.byteLength / 16) * 16;
  const bytes = SIMD_ROWS * D * 4 + D * 4 + SIMD_ROWS * 4;
  memory.grow(Math.ceil((base + bytes - memory.buffer.byteLength) / 65536));
  const rows = base;
  const q = rows + SIMD_ROWS * D * 4;
  const out = q + D * 4;
  const f32 = kernels.f32();
  f32.set(vectors.subarray(0, SIMD_ROWS * D), rows >> 2);
  f32.set(query, q >> 2);
  kernels.exports.dotF32(rows, SIMD_ROWS, D, q, out);
  for (let v = 0; v < SIMD_ROWS; v += 97) {
    let s = 0;
    for (let i = 0; i < D; i++) s += vectors[v * D + i]! * query[i]!;
    if (Math.abs(kernels.f32()[(out >> 2) + v]! - s) > 1e-3 * Math.sqrt(D))
      throw new Error('dotF32 disagrees');
  }
  simdDot = () => {
    for (let r = 0; r < N_SCAN / SIMD_ROWS; r++) kernels.exports.dotF32(rows, SIMD_ROWS, D, q, out);
  };
}

console.log(`# kernels-speed — ${new Date().toISOString()}`);
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`,
);
console.log(`node ${process.version}; WebAssembly SIMD kernels available: ${wasmKernels() !== null}`);
console.log(`d = ${D}, blocked rotation, 2 rounds; median of ${REPS}; rates in vectors (codes) per second`);
console.log(
  'baseline: Float32 dot product of the query with one original vector (JS loop), timed in the same',
);
console.log(
  'repetitions; "× dot" = rate / dot-product rate, per repetition, median. "SIMD dot": the same dot',
);
console.log('products as a WebAssembly f32x4 loop (rate in vectors/s, and × the JS dot).');
console.log('');
console.log(
  '| b | f32 dot | SIMD dot | encode JS | encode WASM | × dot (JS → WASM) | WASM/JS | estimate JS | estimate WASM | × dot (JS → WASM) | WASM/JS |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');

function make(bits: number, wasm: boolean): Quantizer {
  setWasmKernelsEnabled(wasm);
  const q = createQuantizer({ dimension: D, bits, seed: 5 });
  setWasmKernelsEnabled(true);
  return q;
}

for (const bits of BITS) {
  const qj = make(bits, false);
  const qw = make(bits, true);
  const B = qw.bytesPerCode;
  const codesJ = new Uint8Array(N_SCAN * B);
  const codesW = new Uint8Array(N_SCAN * B);
  const scales = new Float64Array(N_SCAN);
  const snapped = new Float64Array(N_SCAN);
  for (let v = 0; v < N_SCAN; v++) {
    const x = vectors.subarray(v * D, (v + 1) * D);
    const a = qj.encodeInto(x, null, dithers[v]!, codesJ, v * B);
    const b = qw.encodeInto(x, null, dithers[v]!, codesW, v * B);
    if (a.scale !== b.scale) throw new Error(`scale mismatch at ${v}`);
    scales[v] = a.scale;
    snapped[v] = a.dither;
  }
  for (let i = 0; i < codesJ.length; i++)
    if (codesJ[i] !== codesW[i]) throw new Error(`b = ${bits}: code byte ${i} differs between JS and WASM`);
  const pj = qj.prepareQuery(query);
  const pw = qw.prepareQuery(query);
  const outJ = new Float64Array(N_SCAN);
  const outW = new Float64Array(N_SCAN);
  pj.scanList(codesJ, N_SCAN, scales, snapped, 0, outJ);
  pw.scanList(codesW, N_SCAN, scales, snapped, 0, outW);
  for (let v = 0; v < N_SCAN; v++) {
    const se = Math.abs(scales[v]!) * pj.rotatedStandardError(codesJ, v * B, snapped[v]!);
    if (Math.abs(outJ[v]! - outW[v]!) > 1e-4 * se) throw new Error(`b = ${bits}: estimate ${v} off`);
  }

  const encode = (q: Quantizer, out: Uint8Array) => () => {
    for (let v = 0; v < N_ENCODE; v++)
      q.encodeInto(vectors.subarray(v * D, (v + 1) * D), null, dithers[v]!, out, v * B);
  };
  const enc = timeTogether([dotRun(N_ENCODE), encode(qj, codesJ), encode(qw, codesW)]);
  const est = timeTogether([
    dotRun(N_SCAN),
    () => pj.scanList(codesJ, N_SCAN, scales, snapped, 0, outJ),
    () => pw.scanList(codesW, N_SCAN, scales, snapped, 0, outW),
    ...(simdDot === null ? [] : [simdDot]),
  ]);
  const rate = (n: number, s: number) => n / s;
  const k = (r: number) => `${(r / 1e3).toFixed(1)}k`;
  const M = (r: number) => `${(r / 1e6).toFixed(2)}M`;
  const [, encJ, encW] = enc.seconds.map((s) => rate(N_ENCODE, s));
  const [dotRate, estJ, estW, simdRate] = est.seconds.map((s) => rate(N_SCAN, s));
  const simd = simdRate === undefined ? 'n/a' : `${M(simdRate)} (${est.ratioToFirst[3]!.toFixed(1)}×)`;
  const [, encJx, encWx] = enc.ratioToFirst;
  const [, estJx, estWx] = est.ratioToFirst;
  console.log(
    `| ${bits} | ${M(dotRate!)} | ${simd} | ${k(encJ!)} | ${k(encW!)} | ${encJx!.toFixed(3)} → ${encWx!.toFixed(3)} | ${(encWx! / encJx!).toFixed(2)} | ${M(estJ!)} | ${M(estW!)} | ${estJx!.toFixed(2)} → ${estWx!.toFixed(2)} | ${(estWx! / estJx!).toFixed(2)} |`,
  );
}
console.log('');
console.log(`(estimate JS = PreparedQuery.scanList on the byte-table kernel; checksum ${sink.toFixed(3)})`);
console.log('(b = 1: both estimate columns run the byte table — the SIMD scan measured ~0.8× it there)');
