import { assertArg } from '../errors.js';
import type { Rng } from '../rng.js';
import type { BalanceKVCoreset } from './coreset.js';
import { rngFrom } from './sample.js';
import type { PointSet, RandomSource, Vector } from './types.js';
import { toQueryBatch, validatePointSet, validatePositive, validatePositiveInt } from './validate.js';

export type AttentionMethod = 'exact' | 'sampling' | 'coreset';

export interface AttentionOptions extends RandomSource {
  /** τ in e^{⟨q, x⟩/τ}; finite and > 0. */
  temperature: number;
  method: AttentionMethod;
  /** `sampling`: rows drawn uniformly with replacement (default 1024). */
  samples?: number;
  /** `coreset`: the collection's BalanceKV coreset (its values must be the same payload). */
  coreset?: BalanceKVCoreset;
}

export interface AttentionResult {
  /** One output of valueDimension numbers per query. */
  outputs: Float64Array[];
  /** Points read per query. */
  touched: number[];
}

export const DEFAULT_ATTENTION_SAMPLES = 1024;

/**
 * Softmax attention of each query over the collection: Σ_j e^{⟨q,x_j⟩/τ} v_j / Σ_j e^{⟨q,x_j⟩/τ}.
 * `values` holds valueDimension numbers per point (1 for a numeric payload), row-major.
 * - exact: every point, with log-sum-exp so large logits do not overflow.
 * - sampling: the same ratio over m uniform rows. Numerator and denominator are each unbiased (times n/m) but
 *   their ratio is only consistent (bias O(1/m)); this is the baseline BalanceKV is compared against.
 * - coreset: the ratio over the BalanceKV coreset's weighted items (BalanceKVCoreset.attention).
 */
export function attention(
  points: PointSet,
  values: Float64Array,
  valueDimension: number,
  queries: readonly Vector[],
  options: AttentionOptions,
): AttentionResult {
  validatePointSet(points);
  assertArg(
    Number.isInteger(valueDimension) && valueDimension > 0,
    'INVALID_ARGUMENT',
    'valueDimension must be a positive integer',
  );
  assertArg(
    values instanceof Float64Array && values.length === points.count * valueDimension,
    'DIMENSION_MISMATCH',
    'values must hold valueDimension numbers per point',
  );
  for (let i = 0; i < values.length; i++)
    assertArg(Number.isFinite(values[i]), 'NON_FINITE_VALUE', `value ${i} is not finite`);
  validatePositive(options.temperature, 'temperature');
  const qs = toQueryBatch(queries, points.dimension);
  const d = points.dimension;
  const outputs: Float64Array[] = [];
  const touched: number[] = [];
  switch (options.method) {
    case 'exact': {
      const logits = new Float64Array(points.count);
      for (let i = 0; i < queries.length; i++) {
        const out = new Float64Array(valueDimension);
        attendRows(
          points,
          values,
          valueDimension,
          qs.subarray(i * d, (i + 1) * d),
          options.temperature,
          null,
          logits,
          out,
        );
        outputs.push(out);
        touched.push(points.count);
      }
      return { outputs, touched };
    }
    case 'sampling': {
      const m = options.samples ?? DEFAULT_ATTENTION_SAMPLES;
      validatePositiveInt(m, 'samples');
      const rng = rngFrom(options);
      const rows = new Int32Array(m);
      const logits = new Float64Array(m);
      for (let i = 0; i < queries.length; i++) {
        const out = new Float64Array(valueDimension);
        if (points.count > 0) {
          drawRows(rng, points.count, rows);
          attendRows(
            points,
            values,
            valueDimension,
            qs.subarray(i * d, (i + 1) * d),
            options.temperature,
            rows,
            logits,
            out,
          );
        }
        outputs.push(out);
        touched.push(points.count > 0 ? m : 0);
      }
      return { outputs, touched };
    }
    case 'coreset': {
      const c = options.coreset;
      assertArg(c !== undefined, 'INVALID_ARGUMENT', "method 'coreset' needs the collection's coreset");
      assertArg(
        c.dimension === d && c.valueDimension === valueDimension,
        'DIMENSION_MISMATCH',
        'coreset dimensions differ from the collection',
      );
      for (let i = 0; i < queries.length; i++) {
        outputs.push(c.attention(qs.subarray(i * d, (i + 1) * d), options.temperature));
        touched.push(c.size);
      }
      return { outputs, touched };
    }
    default:
      assertArg(false, 'INVALID_ARGUMENT', `unknown attention method ${String(options.method)}`);
  }
}

function drawRows(rng: Rng, n: number, rows: Int32Array): void {
  for (let t = 0; t < rows.length; t++) rows[t] = rng.int(n);
}

/** Softmax-weighted average over the given rows (all rows when `rows` is null), into `out`. */
function attendRows(
  points: PointSet,
  values: Float64Array,
  dv: number,
  q: Float64Array,
  temperature: number,
  rows: Int32Array | null,
  logits: Float64Array,
  out: Float64Array,
): void {
  const { data, dimension: d } = points;
  const m = rows === null ? points.count : rows.length;
  if (m === 0) return;
  let max = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < m; t++) {
    const j = rows === null ? t : rows[t]!;
    let s = 0;
    const o = j * d;
    for (let c = 0; c < d; c++) s += q[c]! * data[o + c]!;
    const l = s / temperature;
    logits[t] = l;
    if (l > max) max = l;
  }
  let z = 0;
  out.fill(0);
  for (let t = 0; t < m; t++) {
    const j = rows === null ? t : rows[t]!;
    const a = Math.exp(logits[t]! - max);
    z += a;
    for (let c = 0; c < dv; c++) out[c]! += a * values[j * dv + c]!;
  }
  for (let c = 0; c < dv; c++) out[c]! /= z;
}
