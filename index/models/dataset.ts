import { DitherError } from '../../src/errors.js';
import type { Label } from '../../src/krr/model.js';
import type { ModelSpec } from '../../src/krr/spec.js';
import type { Collection } from '../collection.js';

/** The training set of a model: the collection's vectors (rows) and their payload targets. */
export interface Dataset {
  x: Float32Array;
  rows: number;
  cols: number;
  /** Numbers (regression) or labels (classification), one per row. */
  y: Float64Array | Label[];
  /** Points without the target key (not trained on). */
  skipped: number;
}

/**
 * Reads every point that carries `spec.target_key` (a top-level payload key) in one pass over the collection.
 * Regression targets must be finite numbers, classification labels strings or finite numbers; any other value
 * is PAYLOAD_KEY_INVALID naming the point, and so is a collection where no point carries the key.
 */
export async function readDataset(collection: Collection, spec: ModelSpec): Promise<Dataset> {
  const d = collection.config.dimension;
  let capacity = Math.max(16, collection.stats().points);
  let x = new Float32Array(capacity * d);
  const numbers: number[] = [];
  const labels: Label[] = [];
  let rows = 0;
  let skipped = 0;
  const key = spec.target_key;
  for await (const p of collection.points()) {
    const payload = p.payload;
    if (payload === undefined || !Object.hasOwn(payload, key)) {
      skipped++;
      continue;
    }
    const v = payload[key];
    if (spec.task === 'regression') {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new DitherError(
          'PAYLOAD_KEY_INVALID',
          `point ${String(p.id)}: payload key '${key}' is not a finite number`,
        );
      numbers.push(v);
    } else {
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))))
        throw new DitherError(
          'PAYLOAD_KEY_INVALID',
          `point ${String(p.id)}: payload key '${key}' is not a string or finite number label`,
        );
      labels.push(v);
    }
    // Writes may add points during the pass: grow by doubling.
    if (rows === capacity) {
      capacity *= 2;
      const grown = new Float32Array(capacity * d);
      grown.set(x);
      x = grown;
    }
    x.set(p.vector, rows * d);
    rows++;
  }
  if (rows === 0)
    throw new DitherError('PAYLOAD_KEY_INVALID', `no point of ${collection.name} has payload key '${key}'`);
  return {
    x: rows === capacity ? x : x.slice(0, rows * d),
    rows,
    cols: d,
    y: spec.task === 'regression' ? Float64Array.from(numbers) : labels,
    skipped,
  };
}
