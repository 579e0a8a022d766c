/**
 * Accumulates G = ZᵀZ and B = ZᵀY over chunks of feature rows, so that Z (n × D) is never held whole.
 *
 * Forming G costs n·D²/2 multiply–adds, the dominant cost of ridge regression on dense features. Plain JS has no
 * SIMD, so the kernel is register-blocked: the chunk is transposed to D × R (features-major), and each 4 × 4 tile of
 * the upper triangle keeps its 16 sums in locals while streaming R rows, i.e. 8 loads per 16 multiply–adds
 * instead of 2 per 1 in the naive outer-product loop.
 */
export class GramAccumulator {
  readonly size: number;
  readonly outputs: number;
  private readonly padded: number;
  private readonly chunk: number;
  private readonly g: Float64Array;
  private readonly b: Float64Array;
  private readonly t: Float64Array;

  constructor(size: number, outputs: number, chunkRows: number) {
    this.size = size;
    this.outputs = outputs;
    this.padded = Math.ceil(size / 4) * 4;
    this.chunk = chunkRows;
    this.g = new Float64Array(this.padded * this.padded);
    this.b = new Float64Array(size * outputs);
    this.t = new Float64Array(this.padded * chunkRows);
  }

  /** Adds rows [0, rows) of z (rows × size, row-major) with targets y (rows × outputs, row-major). */
  add(z: Float64Array, y: Float64Array, rows: number): void {
    const D = this.size;
    const R = rows;
    const t = this.t;
    const P = this.padded;
    if (R > this.chunk) throw new RangeError('chunk larger than the accumulator was built for');
    for (let i = 0; i < R; i++) for (let k = 0; k < D; k++) t[k * R + i] = z[i * D + k]!;
    for (let k = D; k < P; k++) for (let i = 0; i < R; i++) t[k * R + i] = 0;
    const g = this.g;
    for (let bi = 0; bi < P; bi += 4) {
      const a0 = bi * R;
      const a1 = a0 + R;
      const a2 = a1 + R;
      const a3 = a2 + R;
      for (let bj = bi; bj < P; bj += 4) {
        const c0 = bj * R;
        const c1 = c0 + R;
        const c2 = c1 + R;
        const c3 = c2 + R;
        let s00 = 0,
          s01 = 0,
          s02 = 0,
          s03 = 0;
        let s10 = 0,
          s11 = 0,
          s12 = 0,
          s13 = 0;
        let s20 = 0,
          s21 = 0,
          s22 = 0,
          s23 = 0;
        let s30 = 0,
          s31 = 0,
          s32 = 0,
          s33 = 0;
        for (let r = 0; r < R; r++) {
          const x0 = t[a0 + r]!;
          const x1 = t[a1 + r]!;
          const x2 = t[a2 + r]!;
          const x3 = t[a3 + r]!;
          const y0 = t[c0 + r]!;
          const y1 = t[c1 + r]!;
          const y2 = t[c2 + r]!;
          const y3 = t[c3 + r]!;
          s00 += x0 * y0;
          s01 += x0 * y1;
          s02 += x0 * y2;
          s03 += x0 * y3;
          s10 += x1 * y0;
          s11 += x1 * y1;
          s12 += x1 * y2;
          s13 += x1 * y3;
          s20 += x2 * y0;
          s21 += x2 * y1;
          s22 += x2 * y2;
          s23 += x2 * y3;
          s30 += x3 * y0;
          s31 += x3 * y1;
          s32 += x3 * y2;
          s33 += x3 * y3;
        }
        let o = bi * P + bj;
        g[o] = g[o]! + s00;
        g[o + 1] = g[o + 1]! + s01;
        g[o + 2] = g[o + 2]! + s02;
        g[o + 3] = g[o + 3]! + s03;
        o += P;
        g[o] = g[o]! + s10;
        g[o + 1] = g[o + 1]! + s11;
        g[o + 2] = g[o + 2]! + s12;
        g[o + 3] = g[o + 3]! + s13;
        o += P;
        g[o] = g[o]! + s20;
        g[o + 1] = g[o + 1]! + s21;
        g[o + 2] = g[o + 2]! + s22;
        g[o + 3] = g[o + 3]! + s23;
        o += P;
        g[o] = g[o]! + s30;
        g[o + 1] = g[o + 1]! + s31;
        g[o + 2] = g[o + 2]! + s32;
        g[o + 3] = g[o + 3]! + s33;
      }
    }
    const K = this.outputs;
    const b = this.b;
    for (let i = 0; i < R; i++)
      for (let c = 0; c < K; c++) {
        const yc = y[i * K + c]!;
        if (yc === 0) continue;
        for (let k = 0; k < D; k++) b[k * K + c] = b[k * K + c]! + t[k * R + i]! * yc;
      }
  }

  /** The full symmetric D × D matrix ZᵀZ (a fresh array). */
  gram(): Float64Array {
    const D = this.size;
    const P = this.padded;
    const out = new Float64Array(D * D);
    for (let i = 0; i < D; i++)
      for (let j = i; j < D; j++) {
        // Tiles on the diagonal hold both triangles; tiles above it hold only (i, j) with i < j.
        const v = this.g[i * P + j]!;
        out[i * D + j] = v;
        out[j * D + i] = v;
      }
    return out;
  }

  /** ZᵀY (D × outputs, row-major; a fresh array). */
  rhs(): Float64Array {
    return this.b.slice();
  }
}
