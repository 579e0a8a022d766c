import type { KernelEval } from './kernel.js';
import type { WeightedSummary } from './summary.js';
import type { Estimate } from './types.js';

/**
 * Attention over a weighted summary: Σ_i m_i e^{s_i} v_i / Σ_i m_i e^{s_i}, s_i = ⟨q, k_i⟩/τ, computed with the
 * largest s_i subtracted (log-sum-exp) so large logits cannot overflow. Empty summaries give zeros.
 */
export function summaryAttention(s: WeightedSummary, q: Float64Array, temperature: number): Float64Array {
  const d = s.dimension;
  const dv = s.valueDimension;
  const out = new Float64Array(dv);
  if (s.count === 0) return out;
  const logits = new Float64Array(s.count);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < s.count; i++) {
    let dotp = 0;
    for (let t = 0; t < d; t++) dotp += q[t]! * s.vectors[i * d + t]!;
    const l = dotp / temperature;
    logits[i] = l;
    if (l > max) max = l;
  }
  let z = 0;
  for (let i = 0; i < s.count; i++) {
    const a = s.mass[i]! * Math.exp(logits[i]! - max);
    z += a;
    for (let t = 0; t < dv; t++) out[t]! += a * s.values[i * dv + t]!;
  }
  for (let t = 0; t < dv; t++) out[t]! /= z;
  return out;
}

/**
 * Density from a weighted summary: F̂ = (1/n) Σ_i m_i w_i k(q, x_i), unbiased when the summary came from random
 * colour classes (softmaxBalanceHalve). error: the standard error the same halvings would have with independent
 * fair signs, an upper estimate for the balanced walk. A halving that keeps items of mass m from a set of mass
 * m/2 adds variance ½ Σ_kept (m x)² with independent signs; summing over the h halvings behind an item (earlier
 * ones act on more, lighter items) gives Σ_i (m_i x_i)²·(1 − 2^{−h_i}), x_i = w_i k(q, x_i).
 */
export function summaryDensity(s: WeightedSummary, n: number, k: KernelEval, q: Float64Array): Estimate {
  if (n === 0 || s.count === 0) return { value: 0, error: 0, touched: s.count };
  let sum = 0;
  let variance = 0;
  for (let i = 0; i < s.count; i++) {
    const x = s.mass[i]! * s.weights[i]! * k(q, s.vectors, i, s.dimension);
    sum += x;
    variance += x * x * (1 - 2 ** -s.halvings[i]!);
  }
  return { value: sum / n, error: Math.sqrt(variance) / n, touched: s.count };
}
