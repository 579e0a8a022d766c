import { assertArg, DitherError } from '../errors.js';
import { isPowerOfTwo } from '../hadamard.js';
import { Rng } from '../rng.js';
import { createRotation, type Rotation, type RotationKind } from '../rotation.js';
import { type WasmKernels, wasmKernels } from '../wasm/kernels.js';
import { CompandedLattice, type Lattice, type QuantizerKind, UniformLattice } from './lattice.js';
import { bytesPerPlane, packedBytes, unpackLevels } from './packing.js';
import { PreparedQuery } from './prepared.js';
import { checkVector, type VectorLike } from './vectors.js';

export interface QuantizerOptions {
  dimension: number;
  bits: number;
  kind?: QuantizerKind;
  seed?: number;
  /** Default: `padded` when the dimension is a power of two (nothing to pad), `blocked` otherwise. */
  rotation?: RotationKind;
  /** Hadamard rounds, 1–3. Default: 1 for `padded` (the seed paper's setting), 2 for `blocked`. */
  rounds?: number;
}

/**
 * A code: the packed levels plus the three scalars the estimators need. Plain typed arrays and numbers,
 * so msgpack, structuredClone and JSON (via Array.from) all serialise it.
 * `scale` = ‖x − c‖·gain/√n maps unit-variance reconstructions back to x − c; `squaredNorm` = ‖x‖² exactly.
 */
export interface Code {
  data: Uint8Array;
  scale: number;
  dither: number;
  squaredNorm: number;
  /** Unbiasing gain folded into `scale` (≥ 1); decode divides it out again for b ≤ 2, see `decodeScale`. */
  gain: number;
  /** True when encoded as a residual against a center; the query must then be prepared with that center. */
  centered: boolean;
}

export interface EncodeOptions {
  /** Scalar dither in [0, 1). Default: fresh from the quantizer's own PRNG stream. */
  dither?: number;
  /** Subtracted before rotating: residual coding against an IVF centroid. */
  center?: VectorLike;
}

export const DEFAULT_BLOCKED_ROUNDS = 2;

export function createQuantizer(options: QuantizerOptions): Quantizer {
  return new Quantizer(options);
}

export class Quantizer {
  readonly dimension: number;
  /** Length of the rotated vector, n: 2^⌈log2 d⌉ for `padded`, d for `blocked`. */
  readonly paddedDimension: number;
  readonly bits: number;
  readonly kind: QuantizerKind;
  readonly seed: number;
  readonly rotationKind: RotationKind;
  readonly rounds: number;
  readonly bytesPerCode: number;
  /** Stored bits per original dimension: b·n/d. */
  readonly bitsPerDimension: number;
  readonly rotation: Rotation;
  readonly lattice: Lattice;
  private readonly ditherRng: Rng;
  /**
   * Coordinate i is dithered by u_i = frac(u + π(i)/n) (snapped to the lattice's grid), one stored u per vector.
   * Each u_i is uniform, so every coordinate stays unbiased; the offsets decorrelate the coordinates' errors,
   * which a single shared u would not (at b ≤ 2 its errors add coherently and the standard error would be
   * 2–3× too small). `ditherRanks` = π, `ditherOffsets` = ⌊π(i)·M/n⌋.
   */
  readonly ditherRanks: Uint32Array;
  readonly ditherOffsets: Int32Array;
  private readonly work: Float64Array;
  private readonly work2: Float64Array;
  private readonly levels: Uint8Array;
  private readonly levelWords: Uint32Array;
  private readonly sqrtN: number;
  /**
   * The WebAssembly SIMD kernels this quantizer and its prepared queries use (uniform lattice only; the companded
   * lattice's level() stays in JavaScript), or null for the JavaScript kernels.
   */
  readonly kernels: WasmKernels | null;

  constructor(options: QuantizerOptions) {
    assertArg(
      options !== null && typeof options === 'object',
      'INVALID_ARGUMENT',
      'options must be an object',
    );
    const { dimension, bits } = options;
    assertArg(
      typeof dimension === 'number' && Number.isInteger(dimension) && dimension > 0 && dimension <= 1 << 20,
      'INVALID_DIMENSION',
      `dimension must be a positive integer up to 2^20, got ${String(dimension)}`,
    );
    assertArg(
      typeof bits === 'number' && Number.isInteger(bits) && bits >= 1 && bits <= 8,
      'INVALID_BITS',
      `bits must be an integer from 1 to 8, got ${String(bits)}`,
    );
    const kind = options.kind ?? 'dithered';
    assertArg(
      kind === 'dithered' || kind === 'turbo',
      'INVALID_ARGUMENT',
      `kind must be 'dithered' or 'turbo'`,
    );
    const seed = options.seed ?? 0;
    assertArg(
      typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0,
      'INVALID_ARGUMENT',
      'seed must be a non-negative safe integer',
    );
    const rotationKind = options.rotation ?? (isPowerOfTwo(dimension) ? 'padded' : 'blocked');
    assertArg(
      rotationKind === 'padded' || rotationKind === 'blocked',
      'INVALID_ARGUMENT',
      `rotation must be 'padded' or 'blocked'`,
    );
    const rounds = options.rounds ?? (rotationKind === 'padded' ? 1 : DEFAULT_BLOCKED_ROUNDS);
    assertArg(
      typeof rounds === 'number' && Number.isInteger(rounds) && rounds >= 1 && rounds <= 3,
      'INVALID_ARGUMENT',
      'rounds must be 1, 2 or 3',
    );
    this.dimension = dimension;
    this.bits = bits;
    this.kind = kind;
    this.seed = seed;
    this.rotationKind = rotationKind;
    this.rounds = rounds;
    this.rotation = createRotation(dimension, rotationKind, rounds, seed);
    this.paddedDimension = this.rotation.outputDimension;
    this.bytesPerCode = packedBytes(this.paddedDimension, bits);
    this.bitsPerDimension = (bits * this.paddedDimension) / dimension;
    this.lattice = kind === 'turbo' ? new CompandedLattice(bits) : new UniformLattice(bits);
    this.ditherRng = new Rng(seed, 0x44_49_54);
    const n = this.paddedDimension;
    this.ditherRanks = new Rng(seed, 0x4f_46_46).permutation(n);
    this.ditherOffsets = new Int32Array(n);
    for (let i = 0; i < n; i++)
      this.ditherOffsets[i] = Math.floor((this.ditherRanks[i]! * this.lattice.ditherSteps) / n);
    this.work = new Float64Array(this.paddedDimension);
    this.work2 = new Float64Array(Math.max(this.paddedDimension, dimension));
    this.levels = new Uint8Array(bytesPerPlane(this.paddedDimension) * 8);
    // Little-endian words over the same bytes (typed arrays use the platform's order; every engine Node runs on
    // is little-endian, which the packing below assumes and test/src/wasm-kernels.test.ts checks against packLevels).
    this.levelWords = new Uint32Array(this.levels.buffer, 0, this.levels.length >> 2);
    this.sqrtN = Math.sqrt(this.paddedDimension);
    this.kernels = kind === 'dithered' ? wasmKernels() : null;
  }

  /** Plain description, for manifests and stats. */
  describe(): {
    dimension: number;
    bits: number;
    kind: QuantizerKind;
    seed: number;
    rotation: RotationKind;
    rounds: number;
  } {
    const { dimension, bits, kind, seed, rotationKind: rotation, rounds } = this;
    return { dimension, bits, kind, seed, rotation, rounds };
  }

  /** A fresh dither from this quantizer's own stream. */
  nextDither(): number {
    return this.ditherRng.next();
  }

  encode(vector: VectorLike, options: EncodeOptions = {}): Code {
    checkVector(vector, this.dimension, 'vector');
    const center = options.center;
    if (center !== undefined) checkVector(center, this.dimension, 'center');
    const u = options.dither ?? this.nextDither();
    assertArg(
      typeof u === 'number' && u >= 0 && u < 1,
      'INVALID_ARGUMENT',
      'dither must be a number in [0, 1)',
    );
    const data = new Uint8Array(this.bytesPerCode);
    const r = this.encodeInto(vector, center ?? null, u, data, 0);
    return { data, ...r, centered: center !== undefined };
  }

  /**
   * Hot-path encode without validation: writes the packed code at out[offset…] and returns its scalars.
   * `u` is snapped to the lattice's dither grid; the snapped value is returned and must be stored.
   */
  encodeInto(
    vector: ArrayLike<number>,
    center: ArrayLike<number> | null,
    u: number,
    out: Uint8Array,
    offset: number,
  ): { scale: number; dither: number; squaredNorm: number; gain: number } {
    if (this.kernels !== null) return this.encodeWasm(this.kernels, vector, center, u, out, offset);
    const d = this.dimension;
    const n = this.paddedDimension;
    const diff = this.work2;
    let squaredNorm = 0;
    for (let i = 0; i < d; i++) {
      const v = vector[i]!;
      squaredNorm += v * v;
      diff[i] = center === null ? v : v - center[i]!;
    }
    const y = this.work;
    this.rotation.apply(diff, y);
    // Even and odd coordinates summed apart (two f64x2 lanes in wasm/kernels.ts, the same sums bit for bit):
    // two independent add chains instead of one.
    let r0 = 0;
    let r1 = 0;
    let i2 = 0;
    for (; i2 + 1 < n; i2 += 2) {
      r0 += y[i2]! * y[i2]!;
      r1 += y[i2 + 1]! * y[i2 + 1]!;
    }
    if (i2 < n) r0 += y[i2]! * y[i2]!;
    const r2 = r0 + r1;
    const lattice = this.lattice;
    const steps = lattice.ditherSteps;
    const m = Math.floor(u * steps);
    const offsets = this.ditherOffsets;
    const levels = this.levels;
    let scale = 0;
    let gain = 1;
    if (r2 > 0) {
      const r = Math.sqrt(r2);
      const toZ = this.sqrtN / r;
      const limit = lattice.unbiasedLimit;
      // E_u[ẑ | z] = clamp(z, ±limit), so E_u[⟨z, ẑ⟩] = Σ z·clamp(z); dividing by it makes the estimate exactly
      // unbiased along x itself (clipping only ever shrinks). zz = n by construction.
      let zEven = 0; // Σ z·clamp(z) over even and odd i, as r0/r1 above
      let zOdd = 0;
      const mask = steps - 1;
      if (lattice instanceof UniformLattice) {
        // The uniform lattice inlined: this loop is most of an encode after the rotation.
        const invStep = 1 / lattice.step;
        const shift = lattice.radius * invStep + 0.5;
        const top = lattice.levels - 1;
        const invSteps = 1 / steps; // steps = 2^k: exact, and equal to dividing
        for (let i = 0; i < n; i++) {
          const z = y[i]! * toZ;
          const u = (((m + offsets[i]!) & mask) + 0.5) * invSteps;
          const k = Math.floor(z * invStep + shift - u);
          levels[i] = k < 0 ? 0 : k > top ? top : k;
          const c = z * (z > limit ? limit : z < -limit ? -limit : z);
          if ((i & 1) === 0) zEven += c;
          else zOdd += c;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const z = y[i]! * toZ;
          levels[i] = lattice.level(z, (((m + offsets[i]!) & mask) + 0.5) / steps);
          const c = z * (z > limit ? limit : z < -limit ? -limit : z);
          if ((i & 1) === 0) zEven += c;
          else zOdd += c;
        }
      }
      gain = n / (zEven + zOdd);
      scale = (r / this.sqrtN) * gain;
    } else {
      levels.fill(0, 0, n);
    }
    this.packPlanes(out, offset);
    return { scale, dither: (m + 0.5) / steps, squaredNorm, gain };
  }

  /**
   * packLevels for this quantizer's levels buffer, four levels per 32-bit word: bit p of the word's four bytes is
   * gathered into four bits by one multiply (× 0x01020408 moves bit 8t to bit 24 + t; the partial products fall
   * on distinct bits, so nothing carries into those four). Same bytes as packLevels, about a third of the work.
   */
  private packPlanes(out: Uint8Array, offset: number): void {
    const words = this.levelWords;
    const planeBytes = words.length >> 1;
    const bits = this.bits;
    for (let j = 0; j < planeBytes; j++) {
      const w0 = words[2 * j]!;
      const w1 = words[2 * j + 1]!;
      for (let p = 0; p < bits; p++) {
        const lo = (Math.imul((w0 >>> p) & 0x01010101, 0x01020408) >>> 24) & 15;
        const hi = (Math.imul((w1 >>> p) & 0x01010101, 0x01020408) >>> 24) & 15;
        out[offset + p * planeBytes + j] = lo | (hi << 4);
      }
    }
  }

  /**
   * encodeInto on the WebAssembly kernels: the same f64 operations in the same order (wasm/kernels.ts), hence
   * byte-identical codes; rotation, quantisation and packing run in one call, the packing eight levels per
   * 64-bit multiply instead of a loop per bit.
   */
  private encodeWasm(
    k: WasmKernels,
    vector: ArrayLike<number>,
    center: ArrayLike<number> | null,
    u: number,
    out: Uint8Array,
    offset: number,
  ): { scale: number; dither: number; squaredNorm: number; gain: number } {
    const d = this.dimension;
    const n = this.paddedDimension;
    k.ensure(n);
    if (k.encodeOwner !== this) this.bindEncoder(k);
    const mem = k.f64();
    const x0 = k.x >> 3;
    let squaredNorm = 0;
    if (vector instanceof Float32Array && (center === null || center instanceof Float32Array)) {
      // The common case (stored vectors and centroids are float32): a bulk copy, residual and norm in wasm.
      const f32 = k.f32();
      f32.set(vector.subarray(0, d), k.input >> 2);
      if (center !== null) f32.set(center.subarray(0, d), k.inputCenter >> 2);
      squaredNorm = k.exports.loadResidualF32(k.input, center === null ? 0 : k.inputCenter, d, k.x);
    } else if (center === null) {
      for (let i = 0; i < d; i++) {
        const v = vector[i]!;
        squaredNorm += v * v;
        mem[x0 + i] = v;
      }
    } else {
      for (let i = 0; i < d; i++) {
        const v = vector[i]!;
        squaredNorm += v * v;
        mem[x0 + i] = v - center[i]!;
      }
    }
    const e = k.exports;
    if (this.rotationKind === 'blocked') e.rotateBlocked(k.x, k.y, d, this.rounds, k.perms, k.signs);
    else e.rotatePadded(k.x, k.y, d, n, this.rounds, k.signs);
    const steps = this.lattice.ditherSteps;
    const m = Math.floor(u * steps);
    e.quantizeUniform(k.y, n, m, k.offsets, steps, k.params, k.levels, k.code, this.bits, k.results);
    const f = k.f64();
    const r2 = f[k.results >> 3]!;
    const zClamp = f[(k.results >> 3) + 1]!;
    let scale = 0;
    let gain = 1;
    if (r2 > 0) {
      const r = Math.sqrt(r2);
      gain = n / zClamp;
      scale = (r / this.sqrtN) * gain;
    }
    out.set(k.u8().subarray(k.code, k.code + this.bytesPerCode), offset);
    return { scale, dither: (m + 0.5) / steps, squaredNorm, gain };
  }

  /** Copy this quantizer's rotation tables, dither offsets and lattice constants into the kernels' arena. */
  private bindEncoder(k: WasmKernels): void {
    const n = this.paddedDimension;
    const buffer = k.exports.memory.buffer;
    const perms = new Uint32Array(buffer, k.perms, 3 * n);
    const signs = new Float64Array(buffer, k.signs, 3 * n);
    for (let r = 0; r < this.rounds; r++) {
      const p = this.rotation.perms[r];
      if (p !== undefined) perms.set(p, r * n);
      signs.set(this.rotation.signs[r]!, r * n);
    }
    new Int32Array(buffer, k.offsets, n).set(this.ditherOffsets);
    const lattice = this.lattice as UniformLattice;
    const invStep = 1 / lattice.step;
    new Float64Array(buffer, k.params, 5).set([
      invStep,
      lattice.radius * invStep + 0.5,
      lattice.levels - 1,
      lattice.unbiasedLimit,
      this.sqrtN,
    ]);
    // Levels past n must read as zero when packed (another quantizer may have left its own there).
    k.u8().fill(0, k.levels, k.levels + Math.ceil(n / 8) * 8);
    k.encodeOwner = this;
  }

  decode(code: Code): Float32Array {
    this.checkCode(code);
    const out = new Float32Array(this.dimension);
    this.decodeInto(code.data, 0, this.decodeScale(code), code.dither, out);
    return out;
  }

  /**
   * The scale decode uses. At b ≥ 3 it is the estimators' unbiased scale, so E[decode] = x. At b ≤ 2 no
   * reconstruction can be unbiased along x and near the MSE optimum at once (one bit: an unbiased scheme has
   * MSE·4^b ≥ 4(π/2 − 1) ≈ 2.28), so decode drops the gain and returns the lower-MSE, shrunk reconstruction;
   * the estimators keep the gain and stay unbiased.
   */
  decodeScale(code: Code): number {
    return this.bits <= 2 ? code.scale / code.gain : code.scale;
  }

  /** x̂ − c into out[0..d): add the center yourself for residual codes. */
  decodeInto(
    data: Uint8Array,
    offset: number,
    scale: number,
    dither: number,
    out: Float32Array | Float64Array,
  ): void {
    const y = this.work;
    this.reconstructRotated(data, offset, dither, y);
    for (let i = 0; i < y.length; i++) y[i] = scale * y[i]!;
    this.rotation.invert(y, this.work2);
    for (let i = 0; i < this.dimension; i++) out[i] = this.work2[i]!;
  }

  /** ẑ, the code's unit-variance reconstruction in the rotated domain (length n), into `out`. */
  reconstructRotated(data: Uint8Array, offset: number, dither: number, out: Float64Array): void {
    const n = this.paddedDimension;
    const levels = this.levels;
    unpackLevels(data, offset, n, this.bits, levels);
    const steps = this.lattice.ditherSteps;
    const m = Math.floor(dither * steps);
    const offsets = this.ditherOffsets;
    for (let i = 0; i < n; i++)
      out[i] = this.lattice.reconstruct(levels[i]!, (((m + offsets[i]!) & (steps - 1)) + 0.5) / steps);
  }

  /**
   * ⟨v', ẑ⟩ for a vector already rotated (v' = R v, length n) and one code — no lookup table, O(n·b). The index
   * uses it once per encode with v' = R c, the rotated centroid, for its control variate.
   */
  rotatedDotWith(rotated: Float64Array, data: Uint8Array, offset: number, dither: number): number {
    const y = this.work;
    this.reconstructRotated(data, offset, dither, y);
    let s = 0;
    for (let i = 0; i < y.length; i++) s += rotated[i]! * y[i]!;
    return s;
  }

  /** Rotate the query once; every estimate against this quantizer's codes then costs a table scan. */
  prepareQuery(vector: VectorLike, options: { center?: VectorLike } = {}): PreparedQuery {
    checkVector(vector, this.dimension, 'query');
    if (options.center !== undefined) checkVector(options.center, this.dimension, 'center');
    return new PreparedQuery(this, vector, options.center ?? null);
  }

  innerProduct(prepared: PreparedQuery, code: Code): number {
    this.checkPair(prepared, code);
    return prepared.centerDot + code.scale * prepared.rotatedDot(code.data, 0, code.dither);
  }

  squaredDistance(prepared: PreparedQuery, code: Code): number {
    return prepared.squaredNorm + code.squaredNorm - 2 * this.innerProduct(prepared, code);
  }

  cosine(prepared: PreparedQuery, code: Code): number {
    const denom = Math.sqrt(prepared.squaredNorm * code.squaredNorm);
    return denom > 0 ? this.innerProduct(prepared, code) / denom : 0;
  }

  /** One sigma of `innerProduct` (the squared distance's is twice this; the cosine's is this / (‖q‖‖x‖)). */
  standardError(prepared: PreparedQuery, code: Code): number {
    this.checkPair(prepared, code);
    return Math.abs(code.scale) * prepared.rotatedStandardError(code.data, 0, code.dither);
  }

  private checkPair(prepared: PreparedQuery, code: Code): void {
    if (!(prepared instanceof PreparedQuery) || prepared.quantizer !== this)
      throw new DitherError('INVALID_ARGUMENT', 'the query was prepared by another quantizer');
    this.checkCode(code);
    if (code.centered !== prepared.centered)
      throw new DitherError(
        'INVALID_ARGUMENT',
        code.centered
          ? 'the code is a residual: prepare the query with the same center'
          : 'the code has no center but the query was prepared with one',
      );
  }

  private checkCode(code: Code): void {
    const ok =
      code !== null &&
      typeof code === 'object' &&
      code.data instanceof Uint8Array &&
      code.data.length === this.bytesPerCode &&
      Number.isFinite(code.scale) &&
      typeof code.dither === 'number' &&
      code.dither >= 0 &&
      code.dither < 1 &&
      Number.isFinite(code.squaredNorm) &&
      Number.isFinite(code.gain);
    if (!ok)
      throw new DitherError(
        'INVALID_CODE',
        `expected a code of ${this.bytesPerCode} bytes from this quantizer`,
      );
  }
}
