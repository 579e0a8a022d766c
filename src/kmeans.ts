import { Rng } from './rng.js';

/**
 * Assigns each of `count` rows of `data` (row-major, `dim` wide) to its nearest of `k` centroids (squared L2),
 * writing indices into `out`. Swappable: the index layer passes one backed by an HNSW over the centroids, since
 * brute force costs count·k·dim and IVF wants k ≈ 4√N.
 */
export type AssignFn = (
  centroids: Float32Array,
  k: number,
  data: Float32Array,
  count: number,
  dim: number,
  out: Int32Array,
) => void;

export interface KMeansOptions {
  iterations?: number;
  seed?: number;
  assign?: AssignFn;
  /** Called after each iteration with (iteration, iterations). */
  onIteration?: (done: number, total: number) => void | Promise<void>;
}

/**
 * Lloyd's k-means, initialised with k distinct random rows (k-means++ seeding costs k passes over the sample,
 * which at k ≈ 1000 dominates training; random rows converge to lists nearly as balanced after a few Lloyd
 * steps on IVF-sized problems). Empty clusters are re-seeded from the row farthest from its centroid.
 */
export async function kmeans(
  data: Float32Array,
  count: number,
  dim: number,
  k: number,
  options: KMeansOptions = {},
): Promise<{ centroids: Float32Array; assignment: Int32Array }> {
  const iterations = options.iterations ?? 8;
  const assign = options.assign ?? bruteForceAssign;
  const rng = new Rng(options.seed ?? 0, 0x4b4d);
  const kk = Math.min(k, count);
  const centroids = new Float32Array(kk * dim);
  const pick = rng.permutation(count);
  for (let c = 0; c < kk; c++) centroids.set(data.subarray(pick[c]! * dim, (pick[c]! + 1) * dim), c * dim);
  const assignment = new Int32Array(count);
  const sums = new Float64Array(kk * dim);
  const sizes = new Int32Array(kk);
  for (let it = 0; it < iterations; it++) {
    assign(centroids, kk, data, count, dim, assignment);
    clusterMeans(data, count, dim, assignment, kk, centroids, sums, sizes);
    for (let c = 0; c < kk; c++) {
      if (sizes[c] !== 0) continue;
      const far = farthestRow(data, count, dim, centroids, assignment);
      centroids.set(data.subarray(far * dim, (far + 1) * dim), c * dim);
    }
    await options.onIteration?.(it + 1, iterations);
  }
  assign(centroids, kk, data, count, dim, assignment);
  return { centroids, assignment };
}

/**
 * centroids[c] ← mean of the rows assigned to c, for every non-empty cluster; `sizes[c]` ← its row count.
 * Empty clusters keep their previous centroid (the caller decides how to re-seed them). `sums` is scratch of
 * k·dim doubles, so repeated Lloyd steps allocate nothing.
 */
export function clusterMeans(
  data: Float32Array,
  count: number,
  dim: number,
  assignment: Int32Array,
  k: number,
  centroids: Float32Array,
  sums: Float64Array = new Float64Array(k * dim),
  sizes: Int32Array = new Int32Array(k),
): Int32Array {
  sums.fill(0);
  sizes.fill(0);
  for (let i = 0; i < count; i++) {
    const c = assignment[i]!;
    sizes[c]!++;
    const o = c * dim;
    const r = i * dim;
    for (let j = 0; j < dim; j++) sums[o + j] = sums[o + j]! + data[r + j]!;
  }
  for (let c = 0; c < k; c++) {
    if (sizes[c] === 0) continue;
    const o = c * dim;
    const inv = 1 / sizes[c]!;
    for (let j = 0; j < dim; j++) centroids[o + j] = sums[o + j]! * inv;
  }
  return sizes;
}

export function squaredL2(
  a: ArrayLike<number>,
  ao: number,
  b: ArrayLike<number>,
  bo: number,
  dim: number,
): number {
  let s = 0;
  for (let j = 0; j < dim; j++) {
    const t = a[ao + j]! - b[bo + j]!;
    s += t * t;
  }
  return s;
}

export const bruteForceAssign: AssignFn = (centroids, k, data, count, dim, out) => {
  for (let i = 0; i < count; i++) {
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const dd = squaredL2(data, i * dim, centroids, c * dim, dim);
      if (dd < bestD) {
        bestD = dd;
        best = c;
      }
    }
    out[i] = best;
  }
};

function farthestRow(
  data: Float32Array,
  count: number,
  dim: number,
  centroids: Float32Array,
  assignment: Int32Array,
): number {
  let far = 0;
  let farD = -1;
  for (let i = 0; i < count; i++) {
    const dd = squaredL2(data, i * dim, centroids, assignment[i]! * dim, dim);
    if (dd > farD) {
      farD = dd;
      far = i;
    }
  }
  return far;
}
