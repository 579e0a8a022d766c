/**
 * Quantizer benchmark (`npm run bench:quantizer`, issue 2): distortion, bias, standard-error calibration and
 * speed of the dithered and companded ("dithered TurboQuant") quantizers behind a randomized Hadamard rotation
 * (Feng, Indyk, Kapralov, Krachun, Prokhorov 2026; DESIGN §2).
 *
 * Sections
 *   mse      MSE·4^b = E‖x − decode(encode(x))‖²·4^b on random unit vectors (d = 128, 784, 1024, 1536) and on
 *            unit-normalised Fashion-MNIST images (d = 784), default rotation, b = 1…8, both kinds, with the
 *            standard error of the mean over vectors. Each cell averages over several quantizer seeds.
 *   bias     For a fixed pair (x, q): over many seeds (rotation and dither drawn afresh per seed), the mean of
 *            z = (estimate − ⟨q, x⟩)/SE with its standard error, and the calibration sd(estimate)/rms(SE).
 *            Protocols: q independent of x, and q a near neighbour with cos(q, x) = 0.9.
 *   blocked  d = 768 and 784: blocked rotation with rounds 1, 2, 3 against the padded rotation (n = 1024), on
 *            random unit vectors and (784) Fashion-MNIST images, MSE and bias.
 *   speed    d = 784: encodeInto throughput, a scan of contiguous codes with rotatedDot, and the plain Float32
 *            dot product over the original vectors in the same run (ratios are what survive a shared machine).
 *
 * Flags: --quick (fewer vectors/trials, prints only unless --write), --only=mse,bias,blocked,speed,
 *        --write / --no-write. The full run writes docs/benchmarks/quantizer.{md,json}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PreparedQuery } from '../src/quantizer/index.js';
import { type Code, createQuantizer, type Quantizer, unpackLevels } from '../src/quantizer/index.js';
import type { QuantizerKind } from '../src/quantizer/lattice.js';
import { Rng } from '../src/rng.js';
import type { RotationKind } from '../src/rotation.js';
import { loadFashionMnist } from './datasets/idx.js';

// ---------------------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyArg = argv.find((a) => a.startsWith('--only='));
const sections = new Set(
  (onlyArg ? onlyArg.slice('--only='.length) : 'mse,bias,blocked,speed').split(',').map((s) => s.trim()),
);
const write = argv.includes('--write') || (!quick && !argv.includes('--no-write'));

const BITS = [1, 2, 3, 4, 5, 6, 7, 8];
const KINDS: QuantizerKind[] = ['dithered', 'turbo'];
const MSE_DIMS = [128, 784, 1024, 1536];
/** Vectors per MSE cell; the issue asks for ≥ 2000 at d ≤ 1024 (turbo's outer cells are wide and rare). */
const MSE_VECTORS = quick ? 200 : 2000;
/** d = 1536 is above the issue's d ≤ 1024 floor; half the vectors keep the full run short. */
const mseVectors = (d: number) => (d > 1024 ? MSE_VECTORS >> 1 : MSE_VECTORS);
/** Bits at which the blocked-vs-padded section measures bias (b = 5–7 sit between 4 and 8; time budget). */
const BLOCKED_BIAS_BITS = [1, 2, 3, 4, 8];
/** Quantizer seeds per MSE cell (vectors are split among them), so a cell averages over rotations too. */
const MSE_SEEDS = quick ? 2 : 8;
const BIAS_TRIALS = quick ? 300 : 2000;
const SPEED_CODES = quick ? 5000 : 20000;
const SPEED_ENCODE = quick ? 1000 : 5000;
const REPS = 5;
/** π√3/2: the Panter–Dite constant, TurboQuant's high-rate MSE·4^b for Gaussian coordinates. */
const PANTER_DITE = (Math.PI * Math.sqrt(3)) / 2;
const MSE_TARGET = [1.8, 2.1, 2.5, 2.85, 2.85, 2.8, 2.8, 2.75];

// ---------------------------------------------------------------------------------------------------------
// Data

function randomUnitVectors(count: number, d: number, seed: number): Float64Array {
  const rng = new Rng(seed, 0x56_45_43);
  const out = new Float64Array(count * d);
  for (let v = 0; v < count; v++) {
    let s = 0;
    for (let i = 0; i < d; i++) {
      const g = rng.gaussian();
      out[v * d + i] = g;
      s += g * g;
    }
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < d; i++) out[v * d + i] = out[v * d + i]! * inv;
  }
  return out;
}

/**
 * Unit vectors with `nnz` Gaussian entries at random positions (bag-of-words, one-hot-like features): the hard
 * case for a blocked rotation, whose first round leaves each nonzero's energy inside one power-of-two block.
 */
function sparseUnitVectors(count: number, d: number, nnz: number, seed: number): Float64Array {
  const rng = new Rng(seed, 0x53_50_52);
  const out = new Float64Array(count * d);
  for (let v = 0; v < count; v++) {
    for (let k = 0; k < nnz; k++) out[v * d + rng.int(d)] = rng.gaussian();
    let s = 0;
    for (let i = 0; i < d; i++) s += out[v * d + i]! ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < d; i++) out[v * d + i] = out[v * d + i]! * inv;
  }
  return out;
}

function unitRows(src: Float32Array, d: number, count: number): Float64Array {
  const out = new Float64Array(count * d);
  for (let v = 0; v < count; v++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += src[v * d + i]! * src[v * d + i]!;
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < d; i++) out[v * d + i] = src[v * d + i]! * inv;
  }
  return out;
}

function dot(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[ao + i]! * b[bo + i]!;
  return s;
}

const fashion = loadFashionMnist();
const fashionUnit = fashion ? unitRows(fashion.train, 784, MSE_VECTORS) : null;

// ---------------------------------------------------------------------------------------------------------
// Statistics

class Moments {
  n = 0;
  private mean0 = 0;
  private m2 = 0;
  add(x: number): void {
    this.n++;
    const delta = x - this.mean0;
    this.mean0 += delta / this.n;
    this.m2 += delta * (x - this.mean0);
  }
  get mean(): number {
    return this.mean0;
  }
  get sd(): number {
    return this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : 0;
  }
  get se(): number {
    return this.n > 0 ? this.sd / Math.sqrt(this.n) : 0;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

// ---------------------------------------------------------------------------------------------------------
// MSE

interface Config {
  d: number;
  rotation: RotationKind;
  rounds: number;
}

interface MseCell {
  data: string;
  d: number;
  n: number;
  rotation: RotationKind;
  rounds: number;
  kind: QuantizerKind;
  bits: number;
  bitsPerDimension: number;
  vectors: number;
  /** E‖x − x̂‖²·4^b with x̂ = decode(code), and its standard error. */
  mse4b: number;
  mse4bSe: number;
  /** Same with the estimators' unbiased scale (gain kept); differs from `mse4b` only at b ≤ 2. */
  unbiasedMse4b: number;
  /** E‖Rx − ŷ‖²·4^b over all n stored coordinates (padding included): distortion per stored coordinate. */
  rotatedMse4b: number;
  rotatedMse4bSe: number;
}

/**
 * ŷ (length n) of a code, exactly as Quantizer.decodeInto builds it before the inverse rotation; the bench needs
 * it to measure distortion in the rotated domain, padding coordinates included. Checked against q.decode.
 */
function reconstructRotated(
  q: Quantizer,
  data: Uint8Array,
  offset: number,
  scale: number,
  dither: number,
  levels: Uint8Array,
  out: Float64Array,
): void {
  const n = q.paddedDimension;
  unpackLevels(data, offset, n, q.bits, levels);
  const steps = q.lattice.ditherSteps;
  const m = Math.floor(dither * steps);
  const offsets = q.ditherOffsets;
  for (let i = 0; i < n; i++)
    out[i] = scale * q.lattice.reconstruct(levels[i]!, (((m + offsets[i]!) & (steps - 1)) + 0.5) / steps);
}

function mseCell(
  data: string,
  vectors: Float64Array,
  count: number,
  config: Config,
  kind: QuantizerKind,
  bits: number,
): MseCell {
  const { d, rotation, rounds } = config;
  const decoded = new Moments();
  const unbiased = new Moments();
  const rotated = new Moments();
  let n = 0;
  let bitsPerDimension = 0;
  const perSeed = Math.ceil(count / MSE_SEEDS);
  for (let s = 0; s < MSE_SEEDS; s++) {
    const q = createQuantizer({ dimension: d, bits, kind, seed: 1000 + s, rotation, rounds });
    n = q.paddedDimension;
    bitsPerDimension = q.bitsPerDimension;
    const buf = new Uint8Array(q.bytesPerCode);
    const levels = new Uint8Array(((n + 7) >> 3) * 8);
    const yHat = new Float64Array(n);
    const y = new Float64Array(n);
    const xHat = new Float64Array(Math.max(n, d));
    const x = new Float64Array(d);
    for (let v = s * perSeed; v < Math.min(count, (s + 1) * perSeed); v++) {
      for (let i = 0; i < d; i++) x[i] = vectors[v * d + i]!;
      const r = q.encodeInto(x, null, q.nextDither(), buf, 0);
      const decodeScale = bits <= 2 ? r.scale / r.gain : r.scale;
      reconstructRotated(q, buf, 0, decodeScale, r.dither, levels, yHat);
      q.rotation.apply(x, y);
      q.rotation.invert(yHat, xHat);
      if (v === s * perSeed) {
        // Correctness: the bench's reconstruction is the library's decode.
        const code: Code = { data: buf.slice(), ...r, centered: false };
        const ref = q.decode(code);
        for (let i = 0; i < d; i++)
          if (Math.abs(ref[i]! - xHat[i]!) > 1e-6)
            throw new Error(`reconstruction disagrees with decode at d=${d} ${kind} b=${bits} i=${i}`);
      }
      // ‖x − g·x̂‖² = ‖x‖² − 2g⟨x, x̂⟩ + g²‖x̂‖², so one decode gives both scales.
      let xx = 0;
      let xh = 0;
      let hh = 0;
      for (let i = 0; i < d; i++) {
        xx += x[i]! * x[i]!;
        xh += x[i]! * xHat[i]!;
        hh += xHat[i]! * xHat[i]!;
      }
      let er = 0;
      for (let i = 0; i < n; i++) er += (y[i]! - yHat[i]!) ** 2;
      const g = bits <= 2 ? r.gain : 1;
      const scale4b = 4 ** bits;
      decoded.add((xx - 2 * xh + hh) * scale4b);
      unbiased.add((xx - 2 * g * xh + g * g * hh) * scale4b);
      rotated.add(er * scale4b);
    }
  }
  return {
    data,
    d,
    n,
    rotation,
    rounds,
    kind,
    bits,
    bitsPerDimension,
    vectors: decoded.n,
    mse4b: decoded.mean,
    mse4bSe: decoded.se,
    unbiasedMse4b: unbiased.mean,
    rotatedMse4b: rotated.mean,
    rotatedMse4bSe: rotated.se,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Bias and calibration

interface Pair {
  name: string;
  x: Float64Array;
  q: Float64Array;
  cosine: number;
}

interface BiasCell {
  data: string;
  protocol: string;
  cosine: number;
  d: number;
  rotation: RotationKind;
  rounds: number;
  kind: QuantizerKind;
  bits: number;
  trials: number;
  /** Mean of (estimate − truth)/SE and its standard error. */
  biasSe: number;
  biasSeSe: number;
  /** sd(estimate)/rms(SE): 1 when the reported standard error is calibrated. */
  calibration: number;
  /** sd of z: also 1 when calibrated (per-trial ratio rather than ratio of aggregates). */
  sdZ: number;
}

/**
 * One seed per trial: a fresh quantizer (rotation, dither offsets) and a fresh dither. Every pair shares the
 * trial's code of x, so the protocols are measured on the same draws.
 */
function biasCells(
  data: string,
  config: Config,
  kind: QuantizerKind,
  bits: number,
  x: Float64Array,
  pairs: Pair[],
  trials: number,
): BiasCell[] {
  const { d, rotation, rounds } = config;
  const z = pairs.map(() => new Moments());
  const est = pairs.map(() => new Moments());
  const se2 = pairs.map(() => 0);
  const truth = pairs.map((p) => dot(p.q, 0, x, 0, d));
  for (let t = 0; t < trials; t++) {
    const q = createQuantizer({ dimension: d, bits, kind, seed: 50_000 + t, rotation, rounds });
    const code = q.encode(x);
    for (let p = 0; p < pairs.length; p++) {
      const prepared = q.prepareQuery(pairs[p]!.q);
      const e = q.innerProduct(prepared, code);
      const s = q.standardError(prepared, code);
      z[p]!.add((e - truth[p]!) / s);
      est[p]!.add(e);
      se2[p] = se2[p]! + s * s;
    }
  }
  return pairs.map((pair, p) => ({
    data,
    protocol: pair.name,
    cosine: pair.cosine,
    d,
    rotation,
    rounds,
    kind,
    bits,
    trials,
    biasSe: z[p]!.mean,
    biasSeSe: z[p]!.se,
    calibration: est[p]!.sd / Math.sqrt(se2[p]! / trials),
    sdZ: z[p]!.sd,
  }));
}

/**
 * q with cos(q, x) = c exactly: c·x + √(1 − c²)·w, w the unit part of a random vector orthogonal to x.
 * `sparse`: x and w have 4 nonzeros (the near q has ≤ 8), the independent q stays dense.
 */
function randomPairs(d: number, seed: number, sparse = false): { x: Float64Array; pairs: Pair[] } {
  const v = randomUnitVectors(3, d, seed);
  const s = sparse ? sparseUnitVectors(2, d, 4, seed) : v;
  const x = s.slice(0, d);
  const independent = v.slice(d, 2 * d);
  const w = sparse ? s.slice(d, 2 * d) : v.slice(2 * d, 3 * d);
  const xw = dot(x, 0, w, 0, d);
  let ww = 0;
  for (let i = 0; i < d; i++) {
    w[i] = w[i]! - xw * x[i]!;
    ww += w[i]! * w[i]!;
  }
  const near = new Float64Array(d);
  const c = 0.9;
  for (let i = 0; i < d; i++) near[i] = c * x[i]! + (Math.sqrt(1 - c * c) * w[i]!) / Math.sqrt(ww);
  return {
    x,
    pairs: [
      { name: 'independent', x, q: independent, cosine: dot(x, 0, independent, 0, d) },
      { name: 'near (cos 0.9)', x, q: near, cosine: dot(x, 0, near, 0, d) },
    ],
  };
}

/**
 * Fashion-MNIST pair: x = test image 0; "independent" = the least similar training image of another class
 * (all-positive pixels make every cosine large); "near" = the training image whose cosine with x is closest to 0.9.
 */
function fashionPairs(): { x: Float64Array; pairs: Pair[] } | null {
  if (!fashion) return null;
  const d = 784;
  const x = unitRows(fashion.test, d, 1);
  const label = fashion.testLabels[0]!;
  const count = quick ? 5000 : 60000;
  const train = unitRows(fashion.train, d, count);
  let far = 0;
  let farCos = 2;
  let near = 0;
  let nearGap = 2;
  for (let v = 0; v < count; v++) {
    const c = dot(train, v * d, x, 0, d);
    if (fashion.trainLabels[v] !== label && c < farCos) {
      farCos = c;
      far = v;
    }
    if (Math.abs(c - 0.9) < nearGap) {
      nearGap = Math.abs(c - 0.9);
      near = v;
    }
  }
  const qFar = train.slice(far * d, (far + 1) * d);
  const qNear = train.slice(near * d, (near + 1) * d);
  return {
    x,
    pairs: [
      { name: 'independent', x, q: qFar, cosine: dot(qFar, 0, x, 0, d) },
      { name: 'near (cos 0.9)', x, q: qNear, cosine: dot(qNear, 0, x, 0, d) },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Speed

interface SpeedCell {
  kind: QuantizerKind;
  bits: number;
  d: number;
  rotation: RotationKind;
  rounds: number;
  data: string;
  encodeVectorsPerSec: number;
  estimateCodesPerSec: number;
  float32DotPerSec: number;
  /**
   * The same rates per second of this process's CPU time (user + system). On a shared machine the wall clock
   * counts time spent waiting for a core; CPU time is closer to what one dedicated core would do.
   */
  encodeCpuVectorsPerSec: number;
  estimateCpuCodesPerSec: number;
  float32CpuDotPerSec: number;
  /** Median over repetitions of (estimate rate / Float32 dot rate) measured back to back. */
  estimateOverFloat32: number;
  codes: number;
  bytesPerCode: number;
}

/** CPU seconds (user + system) of the last `time` call. */
let lastCpuSeconds = 0;

function time(fn: () => void): number {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  lastCpuSeconds = Math.max((c.user + c.system) / 1e6, 1e-6);
  return wall;
}

let sink = 0;

function speedCell(kind: QuantizerKind, bits: number, raw: Float32Array, data: string): SpeedCell {
  const d = 784;
  const N = SPEED_CODES;
  const q = createQuantizer({ dimension: d, bits, kind, seed: 7 });
  const bytes = q.bytesPerCode;
  const codes = new Uint8Array(N * bytes);
  const scales = new Float64Array(N);
  const dithers = new Float64Array(N);
  const inputDithers = new Float64Array(N);
  const views: Float32Array[] = [];
  for (let i = 0; i < N; i++) {
    views.push(raw.subarray(i * d, (i + 1) * d));
    inputDithers[i] = q.nextDither();
  }
  const encodeAll = (count: number) => {
    for (let i = 0; i < count; i++) {
      const r = q.encodeInto(views[i]!, null, inputDithers[i]!, codes, i * bytes);
      scales[i] = r.scale;
      dithers[i] = r.dither;
    }
  };
  encodeAll(N);
  const queryRaw = raw.subarray(N * d, (N + 1) * d);
  const prepared = q.prepareQuery(queryRaw);
  const query32 = Float32Array.from(queryRaw);
  const estimates = new Float64Array(N);
  const exact = new Float64Array(N);
  const scan = (p: PreparedQuery) => {
    const c = p.centerDot;
    for (let i = 0; i < N; i++) estimates[i] = c + scales[i]! * p.rotatedDot(codes, i * bytes, dithers[i]!);
  };
  const floatScan = () => {
    for (let i = 0; i < N; i++) {
      let s = 0;
      const o = i * d;
      for (let j = 0; j < d; j++) s += raw[o + j]! * query32[j]!;
      exact[i] = s;
    }
  };

  // Correctness before timing: encodeInto agrees with encode, and the scan with q.innerProduct.
  scan(prepared);
  floatScan();
  for (const i of [0, 1, 17, N >> 1, N - 1]) {
    const code = q.encode(views[i]!, { dither: inputDithers[i]! });
    const stored = codes.subarray(i * bytes, (i + 1) * bytes);
    if (code.scale !== scales[i] || code.dither !== dithers[i] || code.data.some((b, k) => b !== stored[k]))
      throw new Error(`encodeInto disagrees with encode at code ${i} (${kind}, b=${bits})`);
    const ref = q.innerProduct(prepared, code);
    if (Math.abs(ref - estimates[i]!) > 1e-9 * Math.max(1, Math.abs(ref)))
      throw new Error(
        `scan estimate ${estimates[i]} ≠ innerProduct ${ref} at code ${i} (${kind}, b=${bits})`,
      );
  }
  // …and the estimates track the exact dot products: mean |z| of an unbiased, calibrated estimator is √(2/π).
  let zAbs = 0;
  for (let i = 0; i < 200; i++) {
    const code: Code = {
      data: codes.slice(i * bytes, (i + 1) * bytes),
      scale: scales[i]!,
      dither: dithers[i]!,
      squaredNorm: 0,
      gain: 1,
      centered: false,
    };
    zAbs += Math.abs(estimates[i]! - exact[i]!) / q.standardError(prepared, code);
  }
  if (zAbs / 200 > 1.5) throw new Error(`mean |z| = ${zAbs / 200} (${kind}, b=${bits}): estimates are off`);

  // Warm-up, then size a repetition to ≥ ~100 ms so timer noise stays small.
  const queries = [prepared, q.prepareQuery(raw.subarray((N + 1) * d, (N + 2) * d))];
  const tScan = time(() => scan(queries[1]!));
  const tFloat = time(floatScan);
  const tEnc = time(() => encodeAll(SPEED_ENCODE));
  const scanPasses = Math.max(1, Math.ceil(0.1 / Math.max(tScan, 1e-6)));
  const floatPasses = Math.max(1, Math.ceil(0.1 / Math.max(tFloat, 1e-6)));
  const encPasses = Math.max(1, Math.ceil(0.1 / Math.max(tEnc, 1e-6)));
  const enc: number[] = [];
  const est: number[] = [];
  const flt: number[] = [];
  const ratio: number[] = [];
  const encCpu: number[] = [];
  const estCpu: number[] = [];
  const fltCpu: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const te = time(() => {
      for (let k = 0; k < encPasses; k++) encodeAll(SPEED_ENCODE);
    });
    encCpu.push((encPasses * SPEED_ENCODE) / lastCpuSeconds);
    const ts = time(() => {
      for (let k = 0; k < scanPasses; k++) scan(queries[k & 1]!);
    });
    estCpu.push((scanPasses * N) / lastCpuSeconds);
    const tf = time(() => {
      for (let k = 0; k < floatPasses; k++) floatScan();
    });
    fltCpu.push((floatPasses * N) / lastCpuSeconds);
    sink += estimates[0]! + exact[0]!;
    enc.push((encPasses * SPEED_ENCODE) / te);
    est.push((scanPasses * N) / ts);
    flt.push((floatPasses * N) / tf);
    ratio.push((scanPasses * N) / ts / ((floatPasses * N) / tf));
  }
  return {
    kind,
    bits,
    d,
    rotation: q.rotationKind,
    rounds: q.rounds,
    data,
    encodeVectorsPerSec: median(enc),
    estimateCodesPerSec: median(est),
    float32DotPerSec: median(flt),
    encodeCpuVectorsPerSec: median(encCpu),
    estimateCpuCodesPerSec: median(estCpu),
    float32CpuDotPerSec: median(fltCpu),
    estimateOverFloat32: median(ratio),
    codes: N,
    bytesPerCode: bytes,
  };
}

interface RotationSpeed {
  rotation: RotationKind;
  rounds: number;
  bitsPerDimension: number;
  encodeVectorsPerSec: number;
  prepareQueriesPerSec: number;
  /** encode rate / blocked×2's encode rate, median over repetitions measured back to back. */
  encodeRelative: number;
}

/** What a blocked round costs: encode and prepareQuery rates at d = 784, b = 4, dithered, per rotation. */
function rotationSpeeds(raw: Float32Array): RotationSpeed[] {
  const d = 784;
  const configs: Config[] = [
    { d, rotation: 'padded', rounds: 1 },
    { d, rotation: 'blocked', rounds: 1 },
    { d, rotation: 'blocked', rounds: 2 },
    { d, rotation: 'blocked', rounds: 3 },
  ];
  const qs = configs.map((c) => createQuantizer({ dimension: d, bits: 4, seed: 7, ...c }));
  const views: Float32Array[] = [];
  for (let i = 0; i < SPEED_ENCODE; i++) views.push(raw.subarray(i * d, (i + 1) * d));
  const bufs = qs.map((q) => new Uint8Array(q.bytesPerCode * SPEED_ENCODE));
  const prepares = 200;
  const encode = (k: number) => {
    const q = qs[k]!;
    for (let i = 0; i < SPEED_ENCODE; i++)
      sink += q.encodeInto(views[i]!, null, 0.5, bufs[k]!, i * q.bytesPerCode).scale;
  };
  const prepare = (k: number) => {
    for (let i = 0; i < prepares; i++) sink += qs[k]!.prepareQuery(views[i]!).sumRotated;
  };
  for (let k = 0; k < qs.length; k++) {
    encode(k);
    prepare(k);
  }
  const enc = qs.map(() => [] as number[]);
  const prep = qs.map(() => [] as number[]);
  const rel = qs.map(() => [] as number[]);
  for (let r = 0; r < REPS; r++) {
    const e = qs.map((_, k) => SPEED_ENCODE / time(() => encode(k)));
    qs.forEach((_, k) => {
      enc[k]!.push(e[k]!);
      rel[k]!.push(e[k]! / e[2]!);
      prep[k]!.push(prepares / time(() => prepare(k)));
    });
  }
  return configs.map((c, k) => ({
    rotation: c.rotation,
    rounds: c.rounds,
    bitsPerDimension: qs[k]!.bitsPerDimension,
    encodeVectorsPerSec: median(enc[k]!),
    prepareQueriesPerSec: median(prep[k]!),
    encodeRelative: median(rel[k]!),
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Formatting

const f2 = (x: number) => x.toFixed(2);
const f3 = (x: number) => x.toFixed(3);
const si = (x: number) =>
  x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0);

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  // Label cells hold several ' | '-separated columns; the separator row must count them all.
  const columns = header.join(' | ').split(' | ').length;
  return [line(header), line(Array.from({ length: columns }, () => '---')), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Run

const started = Date.now();
const loadStart = os.loadavg();
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const machine = {
  cpu,
  cores: os.cpus().length,
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  loadAverageAtStart: loadStart.map((x) => Number(x.toFixed(2))),
};
const date = new Date().toISOString();
const out: string[] = [];
const say = (s = '') => {
  out.push(s);
  console.log(s);
};
const progress = (s: string) =>
  process.stderr.write(
    `[${((Date.now() - started) / 1000).toFixed(0)} s wall, ${(process.cpuUsage().user / 1e6).toFixed(0)} s cpu] ${s}\n`,
  );

say('# Quantizer benchmark');
say();
say(
  `${date} · ${cpu} · ${machine.cores} cores · Node ${process.version} · ${machine.platform} · ` +
    `load average at start ${loadStart.map(f2).join(' / ')}`,
);
say();
say(
  'The machine is shared with other running jobs: absolute throughputs are noisy and low; prefer the ratios ' +
    'measured in the same run. Command: `npm run bench:quantizer`' +
    (quick ? ' -- --quick (quick run: few vectors, do not quote)' : ' (full run)') +
    '.',
);
say();

const results: {
  mse: MseCell[];
  bias: BiasCell[];
  blocked: MseCell[];
  blockedBias: BiasCell[];
  speed: SpeedCell[];
  rotationSpeed: RotationSpeed[];
  targets: { target: string; measured: string; met: boolean }[];
} = { mse: [], bias: [], blocked: [], blockedBias: [], speed: [], rotationSpeed: [], targets: [] };
const targets = results.targets;

const defaultConfig = (d: number): Config => {
  const q = createQuantizer({ dimension: d, bits: 1 });
  return { d, rotation: q.rotationKind, rounds: q.rounds };
};

if (sections.has('mse')) {
  say('## MSE·4^b, default rotation');
  say();
  say(
    `E‖x − x̂‖²·4^b with x̂ = decode(encode(x)), ± one standard error of the mean over ${MSE_VECTORS} vectors ` +
      `per cell (${mseVectors(1536)} at d = 1536; ${MSE_SEEDS} quantizer seeds, fresh dither per vector). Random unit vectors: Gaussian ` +
      'directions. Fashion-MNIST: the first training images, scaled to unit norm (nothing subtracted). ' +
      'Decode drops the unbiasing gain at b ≤ 2 (see Quantizer.decodeScale); the estimators keep it — the ' +
      `"unbiased" rows give that reconstruction's MSE·4^b. π√3/2 = ${f3(PANTER_DITE)}.`,
  );
  say();
  const datasets: { name: string; dims: number[]; vectors: (d: number) => Float64Array }[] = [
    { name: 'random', dims: MSE_DIMS, vectors: (d) => randomUnitVectors(mseVectors(d), d, d) },
  ];
  if (fashionUnit) datasets.push({ name: 'fashion-mnist', dims: [784], vectors: () => fashionUnit });
  else say('Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist): its rows are skipped.\n');
  for (const ds of datasets)
    for (const d of ds.dims) {
      const vectors = ds.vectors(d);
      const config = defaultConfig(d);
      for (const kind of KINDS)
        for (const bits of BITS)
          results.mse.push(mseCell(ds.name, vectors, vectors.length / d, config, kind, bits));
      progress(`mse ${ds.name} d=${d}`);
    }
  const rows: string[][] = [];
  for (const ds of datasets)
    for (const d of ds.dims)
      for (const kind of KINDS) {
        const cells = results.mse.filter((c) => c.data === ds.name && c.d === d && c.kind === kind);
        const c0 = cells[0]!;
        const label = `${ds.name} | ${d} | ${c0.rotation}×${c0.rounds} | ${f2(c0.bitsPerDimension / c0.bits)}·b | ${kind}`;
        rows.push([label, ...cells.map((c) => `${f2(c.mse4b)} ± ${f2(c.mse4bSe)}`)]);
        rows.push([`${label} unbiased`, ...cells.map((c) => (c.bits <= 2 ? f2(c.unbiasedMse4b) : '='))]);
      }
  say(
    table(
      ['data | d | rotation×rounds | bits/dim | kind', ...BITS.map((b) => `b=${b}`)],
      rows.map((r) => r),
    ),
  );
  say();
  const best: string[] = [];
  for (const bits of BITS) {
    const cells = results.mse.filter((c) => c.data === 'random' && c.d === 1024 && c.bits === bits);
    const b = cells.reduce((a, c) => (c.mse4b < a.mse4b ? c : a));
    const ok = b.mse4b <= MSE_TARGET[bits - 1]!;
    best.push(`${f2(b.mse4b)}±${f2(b.mse4bSe)} ${b.kind}`);
    targets.push({
      target: `MSE·4^b at d=1024, b=${bits}, best kind ≤ ${MSE_TARGET[bits - 1]}`,
      measured: `${f3(b.mse4b)} ± ${f3(b.mse4bSe)} (${b.kind})`,
      met: ok,
    });
  }
  const t8 = results.mse.find(
    (c) => c.data === 'random' && c.d === 1024 && c.bits === 8 && c.kind === 'turbo',
  );
  if (t8)
    targets.push({
      target: `turbo MSE·4^b at d=1024, b=8 within 3 % of π√3/2 = ${f3(PANTER_DITE)}`,
      measured: `${f3(t8.mse4b)} ± ${f3(t8.mse4bSe)} (${f2((100 * (t8.mse4b - PANTER_DITE)) / PANTER_DITE)} %)`,
      met: Math.abs(t8.mse4b - PANTER_DITE) <= 0.03 * PANTER_DITE,
    });
  say(`Best kind per b at d = 1024 (random): ${best.join(' · ')}.`);
  say();
}

const biasHeader = (bits: number[]) => [
  'data | d | rotation×rounds | kind | protocol (cos)',
  ...bits.map((b) => `b=${b}`),
];
function biasRows(cells: BiasCell[], value: (c: BiasCell) => string, bitsList = BITS): string[][] {
  const rows: string[][] = [];
  const keys = [
    ...new Set(cells.map((c) => `${c.data}|${c.d}|${c.rotation}|${c.rounds}|${c.kind}|${c.protocol}`)),
  ];
  for (const key of keys) {
    const group = cells.filter(
      (c) => `${c.data}|${c.d}|${c.rotation}|${c.rounds}|${c.kind}|${c.protocol}` === key,
    );
    const c0 = group[0]!;
    rows.push([
      `${c0.data} | ${c0.d} | ${c0.rotation}×${c0.rounds} | ${c0.kind} | ${c0.protocol} (${f2(c0.cosine)})`,
      ...bitsList.map((b) => {
        const c = group.find((g) => g.bits === b);
        return c ? value(c) : '';
      }),
    ]);
  }
  return rows;
}

function biasTargets(cells: BiasCell[], scope: string): void {
  for (const [lo, hi, limit] of [
    [4, 8, 0.15],
    [3, 3, 0.35],
  ] as const) {
    const sel = cells.filter((c) => c.bits >= lo && c.bits <= hi);
    if (sel.length === 0) continue;
    const worst = sel.reduce((a, c) => (Math.abs(c.biasSe) > Math.abs(a.biasSe) ? c : a));
    targets.push({
      target: `|bias| ≤ ${limit} SE at b ${lo === hi ? `= ${lo}` : `≥ ${lo}`} (${scope})`,
      measured:
        `worst ${f3(worst.biasSe)} ± ${f3(worst.biasSeSe)} (${worst.data} d=${worst.d} ` +
        `${worst.rotation}×${worst.rounds} ${worst.kind} b=${worst.bits} ${worst.protocol})`,
      met: Math.abs(worst.biasSe) <= limit,
    });
  }
}

const randomPairs784 = randomPairs(784, 784_000);
const fashionPair = sections.has('bias') || sections.has('blocked') ? fashionPairs() : null;

if (sections.has('bias')) {
  say('## Bias and standard-error calibration, default rotation');
  say();
  say(
    `Fixed pair (x, q); ${BIAS_TRIALS} seeds, each a fresh rotation, dither offsets and dither. Cell: mean of ` +
      `z = (estimate − ⟨q, x⟩)/SE ± its standard error (≈ 1/√${BIAS_TRIALS} = ${f3(1 / Math.sqrt(BIAS_TRIALS))}). ` +
      'Random pairs: x a random unit vector, "independent" q another one, "near" q = 0.9·x + 0.436·w with ' +
      'w ⊥ x. Fashion-MNIST pair (d = 784): x = test image 0, "independent" = its least similar training image ' +
      'of another class, "near" = the training image with cosine closest to 0.9. Targets: |bias| ≤ 0.15 at b ≥ 4, ' +
      '≤ 0.35 at b = 3. d = 784 (blocked×2) rows are in the blocked section below.',
  );
  say();
  const { x, pairs } = randomPairs(1024, 1024_000);
  for (const kind of KINDS)
    for (const bits of BITS)
      results.bias.push(...biasCells('random', defaultConfig(1024), kind, bits, x, pairs, BIAS_TRIALS));
  progress('bias d=1024');
  const small = randomPairs(128, 128_000);
  for (const kind of KINDS)
    for (const bits of BITS)
      results.bias.push(
        ...biasCells('random', defaultConfig(128), kind, bits, small.x, small.pairs, BIAS_TRIALS),
      );
  progress('bias d=128');
  say('Bias in standard errors (mean z ± se):');
  say();
  say(
    table(
      biasHeader(BITS),
      biasRows(results.bias, (c) => `${f2(c.biasSe)} ± ${f2(c.biasSeSe)}`),
    ),
  );
  say();
  say('Calibration sd(estimate across seeds) / rms(reported SE) — 1 is calibrated, > 1 means SE too small:');
  say();
  say(
    table(
      biasHeader(BITS),
      biasRows(results.bias, (c) => f2(c.calibration)),
    ),
  );
  say();
  biasTargets(results.bias, 'd = 128, 1024, padded');
}

if (sections.has('blocked')) {
  say('## Blocked vs padded rotation (d = 768, 784)');
  say();
  say(
    'Blocked: n = d (b bits per dimension), rounds 1–3; padded: n = 1024 (b·1024/d bits per dimension). ' +
      '"MSE·4^b" is E‖x − x̂‖² after decode, which for padded drops the error on the 1024 − d padding ' +
      'coordinates; "per stored coordinate" is E‖Rx − ŷ‖² over all n coordinates (the distortion at equal ' +
      'bits per stored coordinate — what compares the rotations). Ratio = blocked / padded of the latter; ' +
      'target ≤ 1.05. Data: random unit vectors, unit Fashion-MNIST images (d = 784), and sparse-4: unit ' +
      'vectors with 4 Gaussian nonzeros at random positions (d = 784), the hard case for one blocked round.',
  );
  say();
  const configs: Config[] = [];
  for (const d of [768, 784]) {
    configs.push({ d, rotation: 'padded', rounds: 1 });
    for (const rounds of [1, 2, 3]) configs.push({ d, rotation: 'blocked', rounds });
  }
  const sets: { name: string; d: number; vectors: Float64Array }[] = [
    { name: 'random', d: 768, vectors: randomUnitVectors(MSE_VECTORS, 768, 768) },
    { name: 'random', d: 784, vectors: randomUnitVectors(MSE_VECTORS, 784, 784) },
  ];
  if (fashionUnit) sets.push({ name: 'fashion-mnist', d: 784, vectors: fashionUnit });
  sets.push({ name: 'sparse-4', d: 784, vectors: sparseUnitVectors(MSE_VECTORS, 784, 4, 4784) });
  for (const set of sets) {
    for (const config of configs.filter((c) => c.d === set.d))
      for (const kind of KINDS)
        for (const bits of BITS)
          results.blocked.push(mseCell(set.name, set.vectors, MSE_VECTORS, config, kind, bits));
    progress(`blocked mse ${set.name} d=${set.d}`);
  }
  const rows: string[][] = [];
  const ratioRows: string[][] = [];
  for (const set of sets)
    for (const kind of KINDS) {
      const padded = results.blocked.filter(
        (c) => c.data === set.name && c.d === set.d && c.kind === kind && c.rotation === 'padded',
      );
      for (const config of configs.filter((c) => c.d === set.d)) {
        const cells = results.blocked.filter(
          (c) =>
            c.data === set.name &&
            c.d === set.d &&
            c.kind === kind &&
            c.rotation === config.rotation &&
            c.rounds === config.rounds,
        );
        const label = `${set.name} | ${set.d} | ${config.rotation}×${config.rounds} | ${kind}`;
        rows.push([
          label,
          ...cells.map((c) => `${f2(c.mse4b)} / ${f2(c.rotatedMse4b)} ± ${f2(c.rotatedMse4bSe)}`),
        ]);
        if (config.rotation === 'blocked')
          ratioRows.push([label, ...cells.map((c, i) => f3(c.rotatedMse4b / padded[i]!.rotatedMse4b))]);
      }
    }
  say('MSE·4^b after decode / per stored coordinate ± se:');
  say();
  say(table(['data | d | rotation×rounds | kind', ...BITS.map((b) => `b=${b}`)], rows));
  say();
  say('Ratio blocked / padded, per stored coordinate (≤ 1.05 is within 5 %):');
  say();
  say(table(['data | d | rotation×rounds | kind', ...BITS.map((b) => `b=${b}`)], ratioRows));
  say();

  // Bias for the same configurations.
  const pairSets: { name: string; d: number; x: Float64Array; pairs: Pair[] }[] = [
    { name: 'random', d: 768, ...randomPairs(768, 768_000) },
    { name: 'random', d: 784, ...randomPairs784 },
  ];
  if (fashionPair) pairSets.push({ name: 'fashion-mnist', d: 784, ...fashionPair });
  pairSets.push({ name: 'sparse-4', d: 784, ...randomPairs(784, 4784, true) });
  for (const set of pairSets) {
    for (const config of configs.filter((c) => c.d === set.d))
      for (const kind of KINDS)
        for (const bits of BLOCKED_BIAS_BITS)
          results.blockedBias.push(...biasCells(set.name, config, kind, bits, set.x, set.pairs, BIAS_TRIALS));
    progress(`blocked bias ${set.name} d=${set.d}`);
  }
  say(`Bias in standard errors (mean z ± se), same protocols as above, b = ${BLOCKED_BIAS_BITS.join(', ')}:`);
  say();
  say(
    table(
      biasHeader(BLOCKED_BIAS_BITS),
      biasRows(results.blockedBias, (c) => `${f2(c.biasSe)} ± ${f2(c.biasSeSe)}`, BLOCKED_BIAS_BITS),
    ),
  );
  say();
  say('Calibration sd(estimate) / rms(SE):');
  say();
  say(
    table(
      biasHeader(BLOCKED_BIAS_BITS),
      biasRows(results.blockedBias, (c) => f2(c.calibration), BLOCKED_BIAS_BITS),
    ),
  );
  say();
  biasTargets(
    results.blockedBias.filter((c) => c.rotation === 'blocked' && c.rounds === 2),
    'd = 768, 784, blocked×2 (default)',
  );

  // Smallest rounds within 5 % of padded (MSE per stored coordinate) in every cell of the issue's data (random,
  // Fashion-MNIST), and meeting the bias targets everywhere. Sparse inputs are judged against blocked×3: padded
  // maps a 1-sparse vector to flat ±1/√n coordinates, which no lattice clips — a benign case no blocked rotation
  // reproduces, so "within 5 % of padded" is the wrong yardstick there.
  const decisions: string[] = [];
  let chosen = 0;
  for (const rounds of [1, 2, 3]) {
    let worst = 0;
    let worstLabel = '';
    let worstSparse = 0;
    let worstSparseLabel = '';
    for (const c of results.blocked.filter((c) => c.rotation === 'blocked' && c.rounds === rounds)) {
      if (c.data === 'sparse-4') {
        const b3 = results.blocked.find(
          (x) =>
            x.data === c.data &&
            x.rotation === 'blocked' &&
            x.rounds === 3 &&
            x.kind === c.kind &&
            x.bits === c.bits,
        )!;
        const r = c.rotatedMse4b / b3.rotatedMse4b;
        if (r > worstSparse) {
          worstSparse = r;
          worstSparseLabel = `${c.kind} b=${c.bits}`;
        }
        continue;
      }
      const p = results.blocked.find(
        (x) =>
          x.rotation === 'padded' &&
          x.data === c.data &&
          x.d === c.d &&
          x.kind === c.kind &&
          x.bits === c.bits,
      )!;
      const r = c.rotatedMse4b / p.rotatedMse4b;
      if (r > worst) {
        worst = r;
        worstLabel = `${c.data} d=${c.d} ${c.kind} b=${c.bits}`;
      }
    }
    const bias = results.blockedBias.filter((c) => c.rotation === 'blocked' && c.rounds === rounds);
    const biasOk = bias.every(
      (c) => Math.abs(c.biasSe) <= (c.bits >= 4 ? 0.15 : c.bits === 3 ? 0.35 : Infinity),
    );
    const worstBias = bias
      .filter((c) => c.bits >= 3)
      .reduce((a, c) => (Math.abs(c.biasSe) > Math.abs(a.biasSe) ? c : a));
    decisions.push(
      `rounds = ${rounds}: worst MSE ratio to padded ${f3(worst)} (${worstLabel}); sparse-4: worst ratio to ` +
        `blocked×3 ${f3(worstSparse)} (${worstSparseLabel}); worst |bias| at b ≥ 3 ` +
        `${f3(Math.abs(worstBias.biasSe))} (${worstBias.data} d=${worstBias.d} ${worstBias.kind} b=${worstBias.bits} ` +
        `${worstBias.protocol}); ${worst <= 1.05 && worstSparse <= 1.05 && biasOk ? 'within targets' : 'misses'}`,
    );
    if (chosen === 0 && worst <= 1.05 && worstSparse <= 1.05 && biasOk) chosen = rounds;
    targets.push({
      target: `blocked×${rounds} within 5 % of padded (MSE per stored coordinate, random + Fashion-MNIST)`,
      measured: `worst ratio ${f3(worst)} (${worstLabel})`,
      met: worst <= 1.05,
    });
  }
  say(
    'Smallest number of blocked rounds within 5 % of padded in every random and Fashion-MNIST cell and meeting ' +
      'the bias targets in every cell, and within 5 % of blocked×3 on sparse-4:',
  );
  say();
  for (const line of decisions) say(`- ${line}`);
  say(`- → ${chosen > 0 ? `rounds = ${chosen}` : 'none of 1–3'}`);
  say();
}

if (sections.has('speed')) {
  say('## Speed at d = 784 (default rotation: blocked×2)');
  say();
  const raw = fashion ? fashion.train : Float32Array.from(randomUnitVectors(SPEED_CODES + 2, 784, 9));
  const data = fashion ? 'fashion-mnist' : 'random';
  say(
    `One core (single-threaded). Encode: q.encodeInto on a preallocated buffer, ${SPEED_ENCODE} vectors per ` +
      `pass. Estimate: a scan of ${SPEED_CODES} contiguous codes, estimate = centerDot + scale·rotatedDot. ` +
      'Float32 dot: the plain dot product over the original Float32Array vectors (784 floats each), same ' +
      `run. Each figure is the median of ${REPS} repetitions after a warm-up; data: ${data}. Correctness is ` +
      'checked first (encodeInto = encode, scan = q.innerProduct, estimates within their standard errors). ' +
      'In parentheses: the same rate per CPU second of this process (user + system), which leaves out time ' +
      'spent waiting for a core on this shared machine; the targets are judged on it.',
  );
  say();
  for (const kind of KINDS)
    for (const bits of BITS) {
      results.speed.push(speedCell(kind, bits, raw, data));
      progress(`speed ${kind} b=${bits}`);
    }
  say(
    table(
      [
        'kind',
        'b',
        'bytes/code',
        'encode vectors/s wall (cpu)',
        'estimate codes/s wall (cpu)',
        'Float32 dot vectors/s wall (cpu)',
        'estimate / Float32',
      ],
      results.speed.map((c) => [
        c.kind,
        String(c.bits),
        String(c.bytesPerCode),
        `${si(c.encodeVectorsPerSec)} (${si(c.encodeCpuVectorsPerSec)})`,
        `${si(c.estimateCodesPerSec)} (${si(c.estimateCpuCodesPerSec)})`,
        `${si(c.float32DotPerSec)} (${si(c.float32CpuDotPerSec)})`,
        f2(c.estimateOverFloat32),
      ]),
    ),
  );
  say();
  results.rotationSpeed = rotationSpeeds(raw);
  progress('speed per rotation');
  say(
    'What the rotation costs (dithered, b = 4, d = 784; relative = encode rate / blocked×2, same repetition):',
  );
  say();
  say(
    table(
      ['rotation×rounds', 'bits/dim', 'encode vectors/s', 'relative', 'prepareQuery/s'],
      results.rotationSpeed.map((c) => [
        `${c.rotation}×${c.rounds}`,
        f2(c.bitsPerDimension),
        si(c.encodeVectorsPerSec),
        f2(c.encodeRelative),
        si(c.prepareQueriesPerSec),
      ]),
    ),
  );
  say();
  for (const kind of KINDS) {
    const c = results.speed.find((s) => s.kind === kind && s.bits === 4)!;
    targets.push({
      target: `d=784 b=4 ${kind}: encode ≥ 50 000 vectors/s (one core; judged per CPU second)`,
      measured: `${c.encodeCpuVectorsPerSec.toFixed(0)} per CPU s (${c.encodeVectorsPerSec.toFixed(0)} per wall s)`,
      met: c.encodeCpuVectorsPerSec >= 50_000,
    });
    targets.push({
      target: `d=784 b=4 ${kind}: estimate ≥ 2 000 000 codes/s (one core; judged per CPU second)`,
      measured:
        `${c.estimateCpuCodesPerSec.toFixed(0)} per CPU s (${c.estimateCodesPerSec.toFixed(0)} per wall s; ` +
        `${f2(c.estimateOverFloat32)}× the Float32 dot)`,
      met: c.estimateCpuCodesPerSec >= 2_000_000,
    });
  }
}

say('## Targets of issue 2');
say();
say(
  table(
    ['target', 'measured', 'met'],
    targets.map((t) => [t.target, t.measured, t.met ? 'yes' : '**no**']),
  ),
);
say();
const elapsed = (Date.now() - started) / 1000;
const loadEnd = os.loadavg();
say(`Run time ${elapsed.toFixed(0)} s; load average at end ${loadEnd.map(f2).join(' / ')}.`);
if (sink === 42) console.log('');

if (write) {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'quantizer.md'), `${out.join('\n')}\n`);
  writeFileSync(
    join(dir, 'quantizer.json'),
    `${JSON.stringify(
      {
        date,
        machine: { ...machine, loadAverageAtEnd: loadEnd.map((x) => Number(x.toFixed(2))) },
        options: {
          quick,
          mseVectors: MSE_VECTORS,
          mseSeeds: MSE_SEEDS,
          biasTrials: BIAS_TRIALS,
          speedCodes: SPEED_CODES,
          speedEncode: SPEED_ENCODE,
          reps: REPS,
        },
        elapsedSeconds: elapsed,
        ...results,
      },
      null,
      1,
    )}\n`,
  );
  progress(`wrote ${dir}/quantizer.{md,json}`);
}
