import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { assertArg, DitherError } from '../../src/errors.js';

/**
 * JSON Lines vectors: each non-blank line is a JSON array of numbers or an object with a `vector` array (the
 * shape most embedding exports take). Streamed line by line, so the file is never one string in memory; the
 * output grows by doubling and is trimmed at the end.
 */
export async function readJsonl(
  path: string,
  maxRows?: number,
): Promise<{ rows: number; dimension: number; data: Float32Array }> {
  assertArg(
    maxRows === undefined || (Number.isSafeInteger(maxRows) && maxRows > 0),
    'INVALID_ARGUMENT',
    'maxRows must be a positive integer',
  );
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let dimension = 0;
  let rows = 0;
  let data = new Float32Array(0);
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      if (maxRows !== undefined && rows >= maxRows) break;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (cause) {
        throw new DitherError('CORRUPT_DATA', `${path}:${lineNo}: not JSON`, { cause });
      }
      const vector = Array.isArray(parsed) ? parsed : (parsed as { vector?: unknown } | null)?.vector;
      if (!Array.isArray(vector) || vector.length === 0)
        throw new DitherError(
          'INVALID_ARGUMENT',
          `${path}:${lineNo}: expected an array of numbers or {"vector": [...]}`,
        );
      if (rows === 0) {
        dimension = vector.length;
        data = new Float32Array(dimension * 1024);
      } else if (vector.length !== dimension)
        throw new DitherError(
          'DIMENSION_MISMATCH',
          `${path}:${lineNo}: ${vector.length} values, earlier lines have ${dimension}`,
        );
      if ((rows + 1) * dimension > data.length) {
        const grown = new Float32Array(data.length * 2);
        grown.set(data);
        data = grown;
      }
      const at = rows * dimension;
      for (let j = 0; j < dimension; j++) {
        const v = vector[j];
        if (typeof v !== 'number')
          throw new DitherError('INVALID_ARGUMENT', `${path}:${lineNo}: value ${j} is ${JSON.stringify(v)}`);
        // JSON has no NaN or Infinity, but 1e999 parses to Infinity and 1e300 overflows float32.
        if (!Number.isFinite(Math.fround(v)))
          throw new DitherError('NON_FINITE_VALUE', `${path}:${lineNo}: value ${j} is ${v}`);
        data[at + j] = v;
      }
      rows++;
    }
  } finally {
    lines.close();
  }
  if (rows === 0) throw new DitherError('INVALID_ARGUMENT', `${path}: no vectors`);
  return { rows, dimension, data: data.slice(0, rows * dimension) };
}
