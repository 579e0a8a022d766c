import type { NearestFn, PointSet } from '../../src/kernels/index.js';
import { Rng } from '../../src/rng.js';

/** A seeded Gaussian mixture: `clusters` centres with spread `centreScale`, points at `noise` around them. */
export function clustered(
  n: number,
  d: number,
  clusters: number,
  seed: number,
  centreScale = 1,
  noise = 0.1,
): { points: PointSet; labels: Int32Array } {
  const rng = new Rng(seed, 11);
  const centres = new Float64Array(clusters * d);
  for (let i = 0; i < centres.length; i++) centres[i] = centreScale * rng.gaussian();
  const data = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const c = rng.int(clusters);
    labels[j] = c;
    for (let t = 0; t < d; t++) data[j * d + t] = centres[c * d + t]! + noise * rng.gaussian();
  }
  return { points: { data, count: n, dimension: d }, labels };
}

export function row(points: PointSet, j: number): number[] {
  return Array.from(points.data.subarray(j * points.dimension, (j + 1) * points.dimension));
}

/** Queries near random points of the set. */
export function queriesNear(points: PointSet, count: number, jitter: number, seed: number): number[][] {
  const rng = new Rng(seed, 12);
  return Array.from({ length: count }, () =>
    row(points, rng.int(points.count)).map((x) => x + jitter * rng.gaussian()),
  );
}

/**
 * Exact k nearest by Euclidean distance, or by largest inner product, by brute force. Answers are memoised per
 * (query, m): tests repeat the same queries over many seeds and the search is deterministic.
 */
export function bruteNearest(points: PointSet, by: 'l2' | 'ip' = 'l2'): NearestFn {
  const { data, count, dimension: d } = points;
  const score = new Float64Array(count);
  const memo = new Map<string, { indices: number[] }>();
  return (q, m) => {
    const key = `${m}:${Array.from(q).join(',')}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    for (let j = 0; j < count; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const x = data[j * d + t]!;
        s += by === 'l2' ? (q[t]! - x) * (q[t]! - x) : -q[t]! * x;
      }
      score[j] = s;
    }
    const order = Array.from({ length: count }, (_, j) => j).sort((a, b) => score[a]! - score[b]!);
    const answer = { indices: order.slice(0, m) };
    memo.set(key, answer);
    return answer;
  };
}

/** Mean and standard deviation of a sample. */
export function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, sd: Math.sqrt(v) };
}

export function naiveKernel(type: string, h: number, q: readonly number[], x: readonly number[]): number {
  let sq = 0;
  let ip = 0;
  for (let t = 0; t < q.length; t++) {
    sq += (q[t]! - x[t]!) ** 2;
    ip += q[t]! * x[t]!;
  }
  if (type === 'gaussian') return Math.exp(-sq / (2 * h * h));
  if (type === 'laplacian') return Math.exp(-Math.sqrt(sq) / h);
  return Math.exp(ip / h);
}
