/**
 * A weighted point set: what a coreset keeps. Item i stands for `mass[i]` original points (2^h after h
 * halvings) with key vector `vectors[i]`, attention value `values[i]` (valueDimension numbers) and density
 * weight `weights[i]` (the payload weight, 1 by default). `halvings[i]` feeds the coreset's error estimate.
 */
export interface WeightedSummary {
  count: number;
  dimension: number;
  valueDimension: number;
  vectors: Float32Array;
  values: Float64Array;
  weights: Float64Array;
  mass: Float64Array;
  halvings: Uint8Array;
}

export function emptySummary(dimension: number, valueDimension: number, capacity = 0): WeightedSummary {
  return {
    count: 0,
    dimension,
    valueDimension,
    vectors: new Float32Array(capacity * dimension),
    values: new Float64Array(capacity * valueDimension),
    weights: new Float64Array(capacity),
    mass: new Float64Array(capacity),
    halvings: new Uint8Array(capacity),
  };
}

/** Concatenation of summaries over the same dimensions (the "merge" of merge-and-reduce). */
export function concatSummaries(
  parts: readonly WeightedSummary[],
  dimension: number,
  valueDimension: number,
) {
  let total = 0;
  for (const p of parts) total += p.count;
  const out = emptySummary(dimension, valueDimension, total);
  let at = 0;
  for (const p of parts) {
    out.vectors.set(p.vectors.subarray(0, p.count * dimension), at * dimension);
    out.values.set(p.values.subarray(0, p.count * valueDimension), at * valueDimension);
    out.weights.set(p.weights.subarray(0, p.count), at);
    out.mass.set(p.mass.subarray(0, p.count), at);
    out.halvings.set(p.halvings.subarray(0, p.count), at);
    at += p.count;
  }
  out.count = total;
  return out;
}

/** The listed rows of a summary, with their mass multiplied by `massFactor` and one more halving recorded. */
export function selectRows(s: WeightedSummary, rows: Int32Array, massFactor: number): WeightedSummary {
  const d = s.dimension;
  const dv = s.valueDimension;
  const out = emptySummary(d, dv, rows.length);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    out.vectors.set(s.vectors.subarray(i * d, (i + 1) * d), r * d);
    out.values.set(s.values.subarray(i * dv, (i + 1) * dv), r * dv);
    out.weights[r] = s.weights[i]!;
    out.mass[r] = s.mass[i]! * massFactor;
    out.halvings[r] = Math.min(255, s.halvings[i]! + (massFactor === 1 ? 0 : 1));
  }
  out.count = rows.length;
  return out;
}
