import type { SparseRows } from '../features/binning.js';

/**
 * A stored feature matrix Z (n × D) for the conjugate-gradient path, which applies ZᵀZ without forming it.
 * `include` (one byte per row, or null for all rows) restricts every operation to the training rows of a fold.
 */
export interface Design {
  readonly rows: number;
  readonly cols: number;
  /** out = Zᵀ Z v over the included rows. */
  apply(v: Float64Array, out: Float64Array, include: Uint8Array | null): void;
  /** diag(ZᵀZ) over the included rows. */
  diag(include: Uint8Array | null): Float64Array;
  /** ZᵀY (D × K) over the included rows; Y is n × K row-major. */
  rhs(y: Float64Array, outputs: number, include: Uint8Array | null): Float64Array;
  /** out[o + c] = (z_i W)_c for row i. */
  predictRow(i: number, w: Float64Array, outputs: number, out: Float64Array, o: number): void;
}

/** Sparse rows with a fixed number of slots (random binning: one per grid). */
export class SparseDesign implements Design {
  readonly rows: number;
  readonly cols: number;
  private readonly s: SparseRows;

  constructor(s: SparseRows, cols: number) {
    this.s = s;
    this.rows = s.rows;
    this.cols = cols;
  }

  apply(v: Float64Array, out: Float64Array, include: Uint8Array | null): void {
    const { cols, vals, perRow: P } = this.s;
    out.fill(0);
    for (let i = 0; i < this.rows; i++) {
      if (include !== null && include[i] === 0) continue;
      let t = 0;
      for (let q = i * P, e = q + P; q < e; q++) {
        const c = cols[q]!;
        if (c >= 0) t += vals[q]! * v[c]!;
      }
      if (t === 0) continue;
      for (let q = i * P, e = q + P; q < e; q++) {
        const c = cols[q]!;
        if (c >= 0) out[c] = out[c]! + vals[q]! * t;
      }
    }
  }

  diag(include: Uint8Array | null): Float64Array {
    const d = new Float64Array(this.cols);
    const { cols, vals, perRow: P } = this.s;
    for (let i = 0; i < this.rows; i++) {
      if (include !== null && include[i] === 0) continue;
      for (let q = i * P, e = q + P; q < e; q++)
        if (cols[q]! >= 0) d[cols[q]!] = d[cols[q]!]! + vals[q]! * vals[q]!;
    }
    return d;
  }

  rhs(y: Float64Array, outputs: number, include: Uint8Array | null): Float64Array {
    const b = new Float64Array(this.cols * outputs);
    const { cols, vals, perRow: P } = this.s;
    for (let i = 0; i < this.rows; i++) {
      if (include !== null && include[i] === 0) continue;
      for (let q = i * P, e = q + P; q < e; q++) {
        const c = cols[q]!;
        if (c < 0) continue;
        for (let k = 0; k < outputs; k++)
          b[c * outputs + k] = b[c * outputs + k]! + vals[q]! * y[i * outputs + k]!;
      }
    }
    return b;
  }

  predictRow(i: number, w: Float64Array, outputs: number, out: Float64Array, o: number): void {
    const { cols, vals, perRow: P } = this.s;
    for (let k = 0; k < outputs; k++) out[o + k] = 0;
    for (let q = i * P, e = q + P; q < e; q++) {
      const c = cols[q]!;
      if (c < 0) continue;
      for (let k = 0; k < outputs; k++) out[o + k] = out[o + k]! + vals[q]! * w[c * outputs + k]!;
    }
  }
}

/** Dense rows kept as float32 chunks (half the memory of float64; the products are still accumulated in float64). */
export class DenseDesign implements Design {
  readonly rows: number;
  readonly cols: number;
  private readonly chunks: Float32Array[] = [];
  private readonly chunkRows: number;

  constructor(rows: number, cols: number, chunkRows: number) {
    this.rows = rows;
    this.cols = cols;
    this.chunkRows = chunkRows;
    for (let r = 0; r < rows; r += chunkRows)
      this.chunks.push(new Float32Array(Math.min(chunkRows, rows - r) * cols));
  }

  /** Stores rows [rowStart, rowStart + count) from z (count × cols, float64). */
  setRows(rowStart: number, z: Float64Array, count: number): void {
    for (let i = 0; i < count; i++) {
      const r = rowStart + i;
      const chunk = this.chunks[Math.floor(r / this.chunkRows)]!;
      chunk.set(z.subarray(i * this.cols, (i + 1) * this.cols), (r % this.chunkRows) * this.cols);
    }
  }

  apply(v: Float64Array, out: Float64Array, include: Uint8Array | null): void {
    const D = this.cols;
    out.fill(0);
    for (let ch = 0; ch < this.chunks.length; ch++) {
      const z = this.chunks[ch]!;
      const base = ch * this.chunkRows;
      const n = z.length / D;
      for (let i = 0; i < n; i++) {
        if (include !== null && include[base + i] === 0) continue;
        let t = 0;
        const o = i * D;
        for (let k = 0; k < D; k++) t += z[o + k]! * v[k]!;
        for (let k = 0; k < D; k++) out[k] = out[k]! + z[o + k]! * t;
      }
    }
  }

  diag(include: Uint8Array | null): Float64Array {
    const D = this.cols;
    const d = new Float64Array(D);
    for (let ch = 0; ch < this.chunks.length; ch++) {
      const z = this.chunks[ch]!;
      const base = ch * this.chunkRows;
      for (let i = 0; i < z.length / D; i++) {
        if (include !== null && include[base + i] === 0) continue;
        for (let k = 0; k < D; k++) d[k] = d[k]! + z[i * D + k]! * z[i * D + k]!;
      }
    }
    return d;
  }

  rhs(y: Float64Array, outputs: number, include: Uint8Array | null): Float64Array {
    const D = this.cols;
    const b = new Float64Array(D * outputs);
    for (let ch = 0; ch < this.chunks.length; ch++) {
      const z = this.chunks[ch]!;
      const base = ch * this.chunkRows;
      for (let i = 0; i < z.length / D; i++) {
        const r = base + i;
        if (include !== null && include[r] === 0) continue;
        for (let c = 0; c < outputs; c++) {
          const yc = y[r * outputs + c]!;
          if (yc === 0) continue;
          for (let k = 0; k < D; k++) b[k * outputs + c] = b[k * outputs + c]! + z[i * D + k]! * yc;
        }
      }
    }
    return b;
  }

  predictRow(i: number, w: Float64Array, outputs: number, out: Float64Array, o: number): void {
    const D = this.cols;
    const z = this.chunks[Math.floor(i / this.chunkRows)]!;
    const zo = (i % this.chunkRows) * D;
    for (let c = 0; c < outputs; c++) out[o + c] = 0;
    for (let k = 0; k < D; k++) {
      const zk = z[zo + k]!;
      for (let c = 0; c < outputs; c++) out[o + c] = out[o + c]! + zk * w[k * outputs + c]!;
    }
  }
}
