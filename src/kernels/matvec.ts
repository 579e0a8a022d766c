import { assertArg } from '../errors.js';
import { neighbourSet } from './density-ann.js';
import { type KernelSpec, kernelEvaluator } from './kernel.js';
import { containsSorted, MeanAccumulator, rngFrom, sampleOutside } from './sample.js';
import type { NearestFn, PointSet, RandomSource, Vector } from './types.js';
import {
  toQueryBatch,
  validatePointSet,
  validatePositive,
  validatePositiveInt,
  validateWeights,
} from './validate.js';

export interface MatVecOptions extends RandomSource {
  kernel: KernelSpec;
  /** The vector w, one finite number per point. */
  weights: Float64Array;
  /** Target ‖y − K w‖₂ ≤ ε‖w‖₂. */
  epsilon: number;
  /** Probability δ the target may be missed (Markov on E‖y − Kw‖²); default 0.1. */
  failureProbability?: number;
  /** The index's search for the heaviest entries of each row (see NearestFn). Without it every entry is light. */
  nearest?: NearestFn;
  /** Heavy entries looked up per query (default 64). */
  neighbours?: number;
}

export interface MatVecResult {
  /** y_i ≈ Σ_j k(q_i, x_j) w_j. */
  values: Float64Array;
  /** Per-query standard error estimated from the light sample (0 where the light part was summed exactly). */
  errors: Float64Array;
  /** Kernel evaluations per query (heavy + light). */
  touched: Float64Array;
  /** Light samples drawn per query (−1 where the light part was summed exactly). */
  samples: Float64Array;
  /** ε‖w‖₂, the ℓ2 error the sample sizes were chosen for. */
  bound: number;
}

/**
 * y = K w for a batch of queries q_1..q_r against the collection, K_ij = k(q_i, x_j), following the structure
 * of Indyk, Kapralov, Sheth, Wagner, "Improved Algorithms for Kernel Matrix-Vector Multiplication Under
 * Sparsity Assumptions" (ICLR 2025): heavy entries are found and computed exactly, the light remainder of each
 * row is estimated by sampling.
 *
 * What is implemented. Row i: H_i = the m rows the index returns for q_i, summed exactly; t_i = min_{j∈H_i}
 * K_ij. The light part Σ_{j∉H_i} K_ij w_j is estimated by (n − |H_i|)·mean of s_i draws of K_iJ w_J, J uniform
 * on [n] \ H_i with replacement, so y_i is unbiased and Var y_i ≤ (n_L/s_i) Σ_{j∉H_i} K_ij² w_j²
 * ≤ (n_L/s_i)·t_i²·‖w‖² when every light entry is ≤ t_i. Sample sizes minimise Σ s_i subject to
 * Σ_i n_L t_i² / s_i ≤ δ ε², i.e. s_i ∝ √n_L·t_i, so E‖y − Kw‖² ≤ δ ε² ‖w‖² and, by Markov,
 * P(‖y − Kw‖₂ > ε‖w‖₂) ≤ δ. A row whose s_i would reach n_L is summed exactly. Without an index (or with an
 * empty answer) t_i is the kernel's supremum: 1 for the Gaussian and Laplacian kernels, e^{‖q‖·max‖x‖/τ} for
 * the exponential kernel (Cauchy–Schwarz).
 * Conditions: "every light entry ≤ t_i" holds when the index returns the true m heaviest entries (exact
 * nearest neighbours for the distance kernels, exact maximum inner product for the exponential one); with an
 * approximate index a missed heavy entry can exceed t_i and the ε guarantee becomes heuristic, while
 * unbiasedness stays exact. The sampling cost is small exactly when the paper's assumption holds: if the
 * entries of K sum to O(n) beyond the n largest, few entries exceed any threshold t, so the m-th largest entry
 * t_i of a row is small and s_i ∝ t_i² n_L / ε² is too.
 *
 * What the paper guarantees (and this code does not reproduce): for the Gaussian kernel and any w, under the
 * assumption that the sum of K's entries is O(n) (precisely, that the entries other than the n largest sum to
 * at most a constant times the n largest), an output with ‖y − Kw‖₂ ≤ ε‖w‖₂ with constant probability in time
 * subquadratic in n and linear in d, using LSH-based search for the heavy entries and a sampling scheme for the
 * light ones with a provable runtime bound. Here the heavy search is delegated to the collection's index (no
 * runtime guarantee) and the light part uses the plain variance bound above; the error guarantee is the same
 * form, ε‖w‖₂ with probability ≥ 1 − δ, under the exact-search condition stated above.
 */
export function kernelMatVec(
  points: PointSet,
  queries: readonly Vector[],
  options: MatVecOptions,
): MatVecResult {
  validatePointSet(points);
  const k = kernelEvaluator(options.kernel);
  assertArg(options.weights !== undefined, 'INVALID_ARGUMENT', 'matvec needs weights');
  validateWeights(options.weights, points.count);
  validatePositive(options.epsilon, 'epsilon');
  const delta = options.failureProbability ?? 0.1;
  assertArg(
    typeof delta === 'number' && delta > 0 && delta <= 1,
    'INVALID_ARGUMENT',
    'failureProbability must be in (0, 1]',
  );
  const m = options.neighbours ?? 64;
  validatePositiveInt(m, 'neighbours');
  if (options.nearest !== undefined)
    assertArg(typeof options.nearest === 'function', 'INVALID_ARGUMENT', 'nearest must be a function');
  const { data, count: n, dimension: d } = points;
  const w = options.weights;
  const qs = toQueryBatch(queries, d);
  const r = queries.length;
  let wNormSq = 0;
  for (let j = 0; j < n; j++) wNormSq += w[j]! * w[j]!;
  const result: MatVecResult = {
    values: new Float64Array(r),
    errors: new Float64Array(r),
    touched: new Float64Array(r),
    samples: new Float64Array(r),
    bound: options.epsilon * Math.sqrt(wNormSq),
  };
  if (n === 0 || r === 0) return result;

  // Pass 1: heavy entries of every row and the light bound t_i.
  const heavy: Int32Array[] = [];
  const lightBound = new Float64Array(r);
  let maxNorm = -1;
  for (let i = 0; i < r; i++) {
    const q = qs.subarray(i * d, (i + 1) * d);
    const found =
      options.nearest === undefined ? new Int32Array(0) : neighbourSet(options.nearest(q, Math.min(m, n)), n);
    heavy.push(found);
    let sum = 0;
    let t = Number.POSITIVE_INFINITY;
    for (let a = 0; a < found.length; a++) {
      const j = found[a]!;
      const kv = k(q, data, j, d);
      sum += kv * w[j]!;
      if (kv < t) t = kv;
    }
    if (found.length === 0) {
      if (options.kernel.type === 'exponential') {
        if (maxNorm < 0) maxNorm = largestNorm(points);
        t = Math.exp((norm(q) * maxNorm) / options.kernel.bandwidth);
      } else t = 1;
    }
    result.values[i] = sum;
    result.touched[i] = found.length;
    lightBound[i] = t;
  }

  // Pass 2: sample sizes s_i = √a_i · Σ_l √a_l / (δ ε²) with a_i = n_L t_i² (Lagrange optimum of Σ s_i).
  let rootSum = 0;
  for (let i = 0; i < r; i++) rootSum += Math.sqrt(n - heavy[i]!.length) * lightBound[i]!;
  const budget = delta * options.epsilon * options.epsilon;
  const rng = rngFrom(options);
  const acc = new MeanAccumulator();
  for (let i = 0; i < r; i++) {
    const q = qs.subarray(i * d, (i + 1) * d);
    const found = heavy[i]!;
    const nLight = n - found.length;
    if (nLight === 0) {
      result.samples[i] = -1;
      continue;
    }
    const want = Math.ceil((Math.sqrt(nLight) * lightBound[i]! * rootSum) / budget);
    if (!(want < nLight)) {
      let tail = 0;
      for (let j = 0; j < n; j++) if (!containsSorted(found, j)) tail += k(q, data, j, d) * w[j]!;
      result.values[i]! += tail;
      result.touched[i]! += nLight;
      result.samples[i] = -1;
      continue;
    }
    const s = Math.max(2, want);
    acc.reset();
    for (let t = 0; t < s; t++) {
      const j = sampleOutside(rng, n, found);
      acc.push(k(q, data, j, d) * w[j]!);
    }
    result.values[i]! += nLight * acc.mean;
    result.errors[i] = nLight * acc.standardError();
    result.touched[i]! += s;
    result.samples[i] = s;
  }
  return result;
}

function norm(q: Float64Array): number {
  let s = 0;
  for (let i = 0; i < q.length; i++) s += q[i]! * q[i]!;
  return Math.sqrt(s);
}

function largestNorm(points: PointSet): number {
  const { data, count, dimension: d } = points;
  let best = 0;
  for (let j = 0; j < count; j++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += data[j * d + c]! * data[j * d + c]!;
    if (s > best) best = s;
  }
  return Math.sqrt(best);
}
