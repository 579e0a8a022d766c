import { assertArg, DitherError } from '../errors.js';

/** A row-major matrix of inputs: `rows` points of `cols` coordinates. */
export interface Matrix {
  data: Float32Array | Float64Array;
  rows: number;
  cols: number;
}

export type MatrixInput = Matrix | readonly (readonly number[] | Float32Array | Float64Array)[];

/**
 * Validates and normalises inputs at the public edge: every row has `dim` coordinates (DIMENSION_MISMATCH) and
 * every value is finite (NON_FINITE_VALUE). Rows given as arrays are copied into one Float64Array.
 */
export function toMatrix(input: MatrixInput, dim?: number): Matrix {
  if (!Array.isArray(input)) {
    const m = input as Matrix;
    assertArg(
      (m.data instanceof Float32Array || m.data instanceof Float64Array) &&
        Number.isInteger(m.rows) &&
        Number.isInteger(m.cols) &&
        m.rows >= 0 &&
        m.cols > 0,
      'INVALID_ARGUMENT',
      'matrix must be { data: Float32Array | Float64Array, rows, cols }',
    );
    assertArg(
      m.data.length === m.rows * m.cols,
      'DIMENSION_MISMATCH',
      'matrix data length is not rows × cols',
    );
    if (dim !== undefined)
      assertArg(m.cols === dim, 'DIMENSION_MISMATCH', `expected ${dim} columns, got ${m.cols}`);
    const d = m.data;
    for (let i = 0; i < d.length; i++)
      if (!Number.isFinite(d[i]!))
        throw new DitherError('NON_FINITE_VALUE', `row ${Math.floor(i / m.cols)} holds a non-finite value`);
    return m;
  }
  const rows = input as readonly ArrayLike<number>[];
  const cols = dim ?? rows[0]?.length ?? 0;
  assertArg(
    Number.isInteger(cols) && cols > 0,
    'INVALID_DIMENSION',
    'rows must have at least one coordinate',
  );
  const data = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    assertArg(
      r !== null && typeof r === 'object' && r.length === cols,
      'DIMENSION_MISMATCH',
      `row ${i} has ${r?.length} coordinates, expected ${cols}`,
    );
    for (let k = 0; k < cols; k++) {
      const v = r[k];
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new DitherError('NON_FINITE_VALUE', `row ${i} holds a non-finite value`);
      data[i * cols + k] = v;
    }
  }
  return { data, rows: rows.length, cols };
}
