import { assertArg } from '../errors.js';
import { Rng } from '../rng.js';
import { type KernelSpec, validateKernel } from './kernel.js';
import { type PitchLaw, pitchLaw, samplePitch } from './pitch.js';

/**
 * Weighted random binning features (Kapralov, Nouri, Razenshteyn, Velingker, Zandieh 2020, "Scaling up Kernel
 * Ridge Regression via Locality Sensitive Hashing"), built on random binning (Rahimi & Recht 2007, Algorithm 2).
 *
 * Each of P independent grids has, per coordinate k, a pitch w_k drawn from the law in pitch.ts and a shift
 * u_k ~ U[0, w_k). A point x falls in the cell c_k = ⌊(x_k − u_k)/w_k⌋ at relative position t_k ∈ [0, 1); its one
 * nonzero feature in that grid is ∏_k h(t_k)/√P at the column of its cell, with h ≡ 1 (box bins, Laplacian) or
 * h(t) = √2 sin(πt) (weighted bins, smooth kernels). Because the coordinates' pitches and shifts are
 * independent, E[φ(x)ᵀφ(y)] = ∏_k κ(|x_k − y_k|) with κ the expected one-dimensional profile (pitch.ts): exactly
 * the ℓ1 Laplacian, the Gaussian up to the fitted mixture's error, and for Matérn the product of
 * one-dimensional Matérn profiles (equal to the isotropic Matérn kernel in one dimension).
 *
 * Columns are the cells that training points occupy; grids are added while the total stays ≤ `count`. A test
 * point in a cell no training point occupies gets no feature in that grid, which changes nothing in a
 * prediction: its kernel with every training point through that grid is zero anyway. The rows are sparse
 * with exactly P slots (column −1 for an unseen cell).
 */
export interface BinningMap {
  type: 'binning';
  dim: number;
  /** Columns used: the number of occupied cells over all grids (≤ the requested count). */
  count: number;
  grids: number;
  /** 0 = box bins, 1 = weighted (√2 sin πt) bins. */
  profile: 0 | 1;
  pitch: Float64Array;
  shift: Float64Array;
  /** Cells of grid g are columns cellStart[g] .. cellStart[g+1]−1; their integer coordinates in `cells`. */
  cellStart: Int32Array;
  cells: Float64Array;
}

export interface SparseRows {
  rows: number;
  /** Nonzeros per row (the number of grids). */
  perRow: number;
  cols: Int32Array;
  vals: Float64Array;
}

const lookups = new WeakMap<BinningMap, Map<string, number>[]>();

export function createBinning(
  kernel: KernelSpec,
  x: ArrayLike<number>,
  rows: number,
  dim: number,
  count: number,
  seed: number,
  maxGrids = 4096,
): BinningMap {
  validateKernel(kernel);
  assertArg(
    Number.isInteger(dim) && dim > 0,
    'INVALID_DIMENSION',
    'input dimension must be a positive integer',
  );
  assertArg(
    Number.isInteger(count) && count > 0,
    'INVALID_ARGUMENT',
    'feature count must be a positive integer',
  );
  assertArg(Number.isInteger(rows) && rows > 0, 'INVALID_ARGUMENT', 'binning needs training rows');
  const law: PitchLaw = pitchLaw(kernel);
  const rng = new Rng(seed, 0xb1);
  const pitch: number[] = [];
  const shift: number[] = [];
  const cellStart: number[] = [0];
  const cells: number[] = [];
  const tables: Map<string, number>[] = [];
  const w = new Float64Array(dim);
  const u = new Float64Array(dim);
  const cell = new Float64Array(dim);
  let total = 0;
  for (let g = 0; g < maxGrids; g++) {
    for (let k = 0; k < dim; k++) {
      w[k] = samplePitch(law, rng.next(), rng.next());
      u[k] = w[k]! * rng.next();
    }
    const table = new Map<string, number>();
    const newCells: number[] = [];
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < dim; k++) cell[k] = Math.floor((x[i * dim + k]! - u[k]!) / w[k]!);
      const key = cell.join(',');
      if (!table.has(key)) {
        table.set(key, total + table.size);
        for (let k = 0; k < dim; k++) newCells.push(cell[k]!);
      }
    }
    if (total + table.size > count) {
      assertArg(
        g > 0,
        'INVALID_ARGUMENT',
        `binning: one grid already occupies ${table.size} cells, more than count = ${count}; raise count or bandwidth`,
      );
      break;
    }
    for (let k = 0; k < dim; k++) {
      pitch.push(w[k]!);
      shift.push(u[k]!);
    }
    for (const c of newCells) cells.push(c);
    total += table.size;
    cellStart.push(total);
    tables.push(table);
  }
  const map: BinningMap = {
    type: 'binning',
    dim,
    count: total,
    grids: tables.length,
    profile: law.profile === 'box' ? 0 : 1,
    pitch: Float64Array.from(pitch),
    shift: Float64Array.from(shift),
    cellStart: Int32Array.from(cellStart),
    cells: Float64Array.from(cells),
  };
  lookups.set(map, tables);
  return map;
}

/** Rebuilds the cell → column tables (for a deserialised map). */
function tablesOf(map: BinningMap): Map<string, number>[] {
  let tables = lookups.get(map);
  if (tables !== undefined) return tables;
  tables = [];
  const cell = new Float64Array(map.dim);
  for (let g = 0; g < map.grids; g++) {
    const table = new Map<string, number>();
    for (let c = map.cellStart[g]!; c < map.cellStart[g + 1]!; c++) {
      for (let k = 0; k < map.dim; k++) cell[k] = map.cells[c * map.dim + k]!;
      table.set(cell.join(','), c);
    }
    tables.push(table);
  }
  lookups.set(map, tables);
  return tables;
}

/** Sparse features of rows [rowStart, rowEnd) of the row-major matrix x. */
export function binningTransform(
  map: BinningMap,
  x: ArrayLike<number>,
  rowStart: number,
  rowEnd: number,
): SparseRows {
  const { dim, grids, pitch, shift } = map;
  const tables = tablesOf(map);
  const rows = rowEnd - rowStart;
  const cols = new Int32Array(rows * grids);
  const vals = new Float64Array(rows * grids);
  const cell = new Float64Array(dim);
  const scale = 1 / Math.sqrt(grids);
  for (let i = 0; i < rows; i++) {
    const xo = (rowStart + i) * dim;
    for (let g = 0; g < grids; g++) {
      let value = scale;
      for (let k = 0; k < dim; k++) {
        const pos = (x[xo + k]! - shift[g * dim + k]!) / pitch[g * dim + k]!;
        const c = Math.floor(pos);
        cell[k] = c;
        if (map.profile === 1) value *= Math.SQRT2 * Math.sin(Math.PI * (pos - c));
      }
      const col = tables[g]!.get(cell.join(','));
      cols[i * grids + g] = col ?? -1;
      vals[i * grids + g] = col === undefined ? 0 : value;
    }
  }
  return { rows, perRow: grids, cols, vals };
}
