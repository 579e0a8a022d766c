import { type BinningMap, binningTransform, type SparseRows } from './binning.js';
import { type RffMap, rffTransform } from './rff.js';

/** Every explicit feature map: dense cosine features (plain or leverage-weighted RFF) or sparse bins. */
export type FeatureMap = RffMap | BinningMap;

export function isDense(map: FeatureMap): map is RffMap {
  return map.type === 'rff' || map.type === 'leverage_rff';
}

/** Dense features of rows [rowStart, rowEnd) into out ((rowEnd − rowStart) × count). */
export function denseFeatures(
  map: RffMap,
  x: ArrayLike<number>,
  rowStart: number,
  rowEnd: number,
  out: Float64Array,
): void {
  rffTransform(map, x, rowStart, rowEnd, out);
}

export function sparseFeatures(
  map: BinningMap,
  x: ArrayLike<number>,
  rowStart: number,
  rowEnd: number,
): SparseRows {
  return binningTransform(map, x, rowStart, rowEnd);
}

/** Z Zᵀ for a few rows (tests and diagnostics): the kernel matrix the features stand for. */
export function featureGram(map: FeatureMap, x: ArrayLike<number>, rows: number): Float64Array {
  const g = new Float64Array(rows * rows);
  if (isDense(map)) {
    const z = new Float64Array(rows * map.count);
    rffTransform(map, x, 0, rows, z);
    const D = map.count;
    for (let i = 0; i < rows; i++)
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k < D; k++) s += z[i * D + k]! * z[j * D + k]!;
        g[i * rows + j] = s;
        g[j * rows + i] = s;
      }
    return g;
  }
  const sp = binningTransform(map, x, 0, rows);
  const P = sp.perRow;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      // Grid by grid: two points share a column only within the same grid.
      for (let q = 0; q < P; q++) {
        const c = sp.cols[i * P + q]!;
        if (c >= 0 && c === sp.cols[j * P + q]) s += sp.vals[i * P + q]! * sp.vals[j * P + q]!;
      }
      g[i * rows + j] = s;
      g[j * rows + i] = s;
    }
  return g;
}
