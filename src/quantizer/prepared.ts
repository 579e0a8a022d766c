import type { CompandedLattice, UniformLattice } from './lattice.js';
import { bytesPerPlane } from './packing.js';
import type { Quantizer } from './quantizer.js';
import { scanPlanes } from './scan.js';
import type { VectorLike } from './vectors.js';

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
  /** Byte-lookup table for the uniform lattice (Float64: measured faster than Float32 in V8's scan). */
  private readonly table: Float64Array | null;
  private readonly planeBytes: number;

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
    this.table = quantizer.kind === 'dithered' ? buildByteTable(q, n, this.planeBytes) : null;
  }

  /** ⟨q', ẑ⟩ for the code at data[offset…]; multiply by the code's scale (and add centerDot) for ⟨q, x⟩. */
  rotatedDot(data: Uint8Array, offset: number, dither: number): number {
    const table = this.table;
    if (table !== null) {
      const lattice = this.quantizer.lattice as UniformLattice;
      const total = scanPlanes(table, data, offset, this.planeBytes, this.quantizer.bits);
      // Σ q'_i u_i with u_i = ((m + o_i) mod M + ½)/M: the wrap-around subtracts 1 exactly for the coordinates
      // with o_i ≥ M − m, i.e. with rank π(i) ≥ ⌈(M − m)·n/M⌉ — a suffix sum read once per code.
      const M = lattice.ditherSteps;
      const m = Math.floor(dither * M);
      const n = this.rotated.length;
      const wrapped = this.suffixByRank[Math.ceil(((M - m) * n) / M)]!;
      const ditherDot = ((m + 0.5) * this.sumRotated + this.offsetDot) / M - wrapped;
      return lattice.step * (total + ditherDot) - lattice.radius * this.sumRotated;
    }
    return this.companded(data, offset, dither, false);
  }

  /** One sigma of ⟨q', ẑ⟩: √(Σ q'_i² Var_i) with Var_i the dither noise of coordinate i's cell. */
  rotatedStandardError(data: Uint8Array, offset: number, dither: number): number {
    if (this.table !== null) {
      const step = (this.quantizer.lattice as UniformLattice).step;
      return step * Math.sqrt(this.sumSquaresRotated / 12);
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
