import { SCAN_BATCH, type WasmKernels } from '../wasm/kernels.js';
import type { CompandedLattice, UniformLattice } from './lattice.js';
import { bytesPerPlane } from './packing.js';
import type { Quantizer } from './quantizer.js';
import { scanPlanes } from './scan.js';
import type { VectorLike } from './vectors.js';

/** The query's fixed-point scale: |q'_i|·S ≤ 2^29, split as 2^15·hi + lo with |hi|, |lo| ≤ 2^14 (int16 lanes). */
const FIXED_POINT_RANGE = 2 ** 29;

/**
 * A query rotated once (q' = R q) with everything an estimate needs precomputed.
 *
 * Uniform lattice: ⟨q', ẑ⟩ = Δ·Σ q'_i k_i + (uΔ − α)·Σ q'_i, and with bit-plane codes
 * Σ q'_i k_i = Σ_p 2^p Σ_j T_j[plane_p byte j], where T_j[v] sums q' over the set bits of v (eight coordinates
 * per lookup). The table costs 256·⌈n/8⌉ additions once per query.
 * Companded lattice: the reconstruction is non-linear in k, so the scan unpacks levels and reads ẑ from the
 * lattice's table.
 */
export class PreparedQuery {
  readonly quantizer: Quantizer;
  /** q' = R q, length n. */
  readonly rotated: Float64Array;
  readonly squaredNorm: number;
  /** ⟨q, c⟩ for residual codes, 0 otherwise. */
  readonly centerDot: number;
  readonly centered: boolean;
  readonly sumRotated: number;
  readonly sumSquaresRotated: number;
  /** suffixByRank[t] = Σ q'_i over coordinates whose dither rank π(i) ≥ t (see Quantizer.ditherRanks). */
  private readonly suffixByRank: Float64Array;
  /** Σ q'_i·o_i with o_i the coordinate's dither offset. */
  private readonly offsetDot: number;
  /**
   * Byte-lookup table for the uniform lattice (Float64: measured faster than Float32 in V8's scan), built on the
   * first per-code estimate: a search on the WebAssembly kernels scans lists without it and saves the
   * 256·⌈n/8⌉ additions per query.
   */
  private table: Float64Array | null = null;
  private readonly uniform: boolean;
  private readonly planeBytes: number;
  /**
   * WebAssembly SIMD scan (uniform lattice): q' in fixed point Q_i = round(q'_i·S) = 2^15·hi_i + lo_i, laid out in
   * the kernel's chunk order. |q'_i − Q_i/S| ≤ 1/(2S) = max|q'|·2^-30, so the integer part Σ k_i q'_i is off by at
   * most (L − 1)·n·max|q'|·2^-30 — at d = 784, b = 8 that is 1.9e-4·max|q'|, while one standard error of the
   * integer part is ‖q'‖/√12 ≥ max|q'|/√12: the bound stays under 1e-3 SE in the worst case and the typical error
   * (independent roundings) is √n smaller again. test/src/wasm-kernels.test.ts measures it.
   */
  private readonly kernels: WasmKernels | null;
  private readonly fixedHigh: Int16Array | null;
  private readonly fixedLow: Int16Array | null;
  private readonly fixedScale: number;
  private readonly chunks: number;

  constructor(quantizer: Quantizer, vector: VectorLike, center: VectorLike | null) {
    this.quantizer = quantizer;
    const n = quantizer.paddedDimension;
    const q = new Float64Array(n);
    quantizer.rotation.apply(vector, q);
    this.rotated = q;
    let sq = 0;
    let cd = 0;
    for (let i = 0; i < quantizer.dimension; i++) {
      const v = vector[i]!;
      sq += v * v;
      if (center !== null) cd += v * center[i]!;
    }
    this.squaredNorm = sq;
    this.centerDot = cd;
    this.centered = center !== null;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      s += q[i]!;
      s2 += q[i]! * q[i]!;
    }
    this.sumRotated = s;
    const ranks = quantizer.ditherRanks;
    const offsets = quantizer.ditherOffsets;
    const suffix = new Float64Array(n + 1);
    let od = 0;
    for (let i = 0; i < n; i++) {
      suffix[ranks[i]!] = q[i]!;
      od += q[i]! * offsets[i]!;
    }
    for (let t = n - 1; t >= 0; t--) suffix[t] = suffix[t]! + suffix[t + 1]!;
    suffix[n] = 0;
    this.suffixByRank = suffix;
    this.offsetDot = od;
    this.sumSquaresRotated = s2;
    this.planeBytes = bytesPerPlane(n);
    this.uniform = quantizer.kind === 'dithered';
    this.chunks = Math.ceil(this.planeBytes / 16);
    // At one bit the byte table does 98 lookups per 784-d code, fewer operations than the SIMD kernel's fixed
    // cost of widening and multiplying every level (bench/kernels-speed.ts measured it ~0.8× the table).
    this.kernels = this.uniform && quantizer.bits >= 2 ? quantizer.kernels : null;
    this.fixedHigh = null;
    this.fixedLow = null;
    this.fixedScale = 1;
    if (this.kernels !== null) {
      let max = 0;
      for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(q[i]!));
      const S = max > 0 ? FIXED_POINT_RANGE / max : 1;
      const high = new Int16Array(this.chunks * 128);
      const low = new Int16Array(this.chunks * 128);
      for (let i = 0; i < n; i++) {
        const v = q[i]! * S;
        const h = Math.round(v / 32768);
        const r = i & 127;
        const at = (((i >> 7) << 3) + (r & 7)) * 16 + (r >> 3);
        high[at] = h;
        low[at] = Math.round(v - h * 32768);
      }
      this.fixedHigh = high;
      this.fixedLow = low;
      this.fixedScale = S;
    }
  }

  /**
   * out[s] = centerDot + scales[s]·⟨q', ẑ_s⟩ for the `count` contiguous codes at data[0…] — an IVF list's scan.
   * The same estimate as `rotatedDot` per code; on the WebAssembly kernels its integer part is computed in fixed
   * point (see `kernels` above), otherwise by the same byte-table scan.
   */
  scanList(
    data: Uint8Array,
    count: number,
    scales: ArrayLike<number>,
    dithers: ArrayLike<number>,
    centerDot: number,
    out: Float64Array,
  ): void {
    const B = this.quantizer.bytesPerCode;
    const k = this.kernels;
    if (k === null || this.fixedHigh === null || this.fixedLow === null) {
      for (let s = 0; s < count; s++)
        out[s] = centerDot + scales[s]! * this.rotatedDot(data, s * B, dithers[s]!);
      return;
    }
    const n = this.rotated.length;
    k.ensure(n);
    if (k.scanOwner !== this) {
      const buffer = k.exports.memory.buffer;
      new Int16Array(buffer, k.qh, this.fixedHigh.length).set(this.fixedHigh);
      new Int16Array(buffer, k.ql, this.fixedLow.length).set(this.fixedLow);
      k.scanOwner = this;
    }
    const invScale = 1 / this.fixedScale;
    const bits = this.quantizer.bits;
    const maxBatch = Math.min(SCAN_BATCH, Math.floor(k.codesCapacity / B));
    for (let start = 0; start < count; start += maxBatch) {
      const batch = Math.min(maxBatch, count - start);
      k.u8().set(data.subarray(start * B, (start + batch) * B), k.codes);
      k.exports.scanUniform(k.codes, batch, B, this.planeBytes, bits, k.qh, k.ql, this.chunks, k.out);
      const f = k.f64();
      const o = k.out >> 3;
      for (let s = 0; s < batch; s++) {
        const slot = start + s;
        out[slot] = centerDot + scales[slot]! * this.uniformDot(f[o + s]! * invScale, dithers[slot]!);
      }
    }
  }

  /** ⟨q', ẑ⟩ for the code at data[offset…]; multiply by the code's scale (and add centerDot) for ⟨q, x⟩. */
  rotatedDot(data: Uint8Array, offset: number, dither: number): number {
    if (this.uniform) {
      if (this.table === null)
        this.table = buildByteTable(this.rotated, this.rotated.length, this.planeBytes);
      return this.uniformDot(
        scanPlanes(this.table, data, offset, this.planeBytes, this.quantizer.bits),
        dither,
      );
    }
    return this.companded(data, offset, dither, false);
  }

  /** ⟨q', ẑ⟩ on the uniform lattice from its integer part total = Σ q'_i k_i. */
  private uniformDot(total: number, dither: number): number {
    const lattice = this.quantizer.lattice as UniformLattice;
    // Σ q'_i u_i with u_i = ((m + o_i) mod M + ½)/M: the wrap-around subtracts 1 exactly for the coordinates
    // with o_i ≥ M − m, i.e. with rank π(i) ≥ ⌈(M − m)·n/M⌉ — a suffix sum read once per code.
    const M = lattice.ditherSteps;
    const m = Math.floor(dither * M);
    const n = this.rotated.length;
    const wrapped = this.suffixByRank[Math.ceil(((M - m) * n) / M)]!;
    const ditherDot = ((m + 0.5) * this.sumRotated + this.offsetDot) / M - wrapped;
    return lattice.step * (total + ditherDot) - lattice.radius * this.sumRotated;
  }

  /** One sigma of ⟨q', ẑ⟩: √(Σ q'_i² Var_i) with Var_i the dither noise of coordinate i's cell. */
  rotatedStandardError(data: Uint8Array, offset: number, dither: number): number {
    if (this.uniform) {
      const lattice = this.quantizer.lattice as UniformLattice;
      return Math.sqrt(this.sumSquaresRotated * ((lattice.step * lattice.step) / 12 + lattice.clipVariance));
    }
    return Math.sqrt(this.companded(data, offset, dither, true));
  }

  private companded(data: Uint8Array, offset: number, dither: number, variance: boolean): number {
    const lattice = this.quantizer.lattice as CompandedLattice;
    const values = variance ? lattice.cellVariance : lattice.table;
    const M = lattice.ditherSteps;
    const m = Math.floor(dither * M);
    const q = this.rotated;
    const n = q.length;
    const offsets = this.quantizer.ditherOffsets;
    const bits = this.quantizer.bits;
    const planeBytes = this.planeBytes;
    let total = 0;
    for (let j = 0; j < planeBytes; j++) {
      const base = j << 3;
      const end = Math.min(8, n - base);
      for (let t = 0; t < end; t++) {
        let k = 0;
        for (let p = 0; p < bits; p++) k |= ((data[offset + p * planeBytes + j]! >> t) & 1) << p;
        const w = q[base + t]!;
        const mi = (m + offsets[base + t]!) & (M - 1);
        total += (variance ? w * w : w) * values[k * M + mi]!;
      }
    }
    return total;
  }
}

function buildByteTable(q: Float64Array, n: number, planeBytes: number): Float64Array {
  const table = new Float64Array(planeBytes << 8);
  for (let j = 0; j < planeBytes; j++) {
    const base = j << 8;
    for (let v = 1; v < 256; v++) {
      const low = v & -v;
      const t = 31 - Math.clz32(low);
      const i = (j << 3) + t;
      table[base + v] = table[base + (v ^ low)]! + (i < n ? q[i]! : 0);
    }
  }
  return table;
}
