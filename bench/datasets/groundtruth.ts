import cliProgress from 'cli-progress';
import { assertArg, DitherError } from '../../src/errors.js';
import { isMetric, type Metric } from './dataset.js';

/**
 * Exact k-nearest-neighbour ground truth by brute force.
 *
 * Distances (the convention of ann-benchmarks' `distances` datasets, smaller is nearer):
 * - l2:     ‖q − x‖ (not squared), summed as Σ(q_j − x_j)² in double precision — no ‖q‖² + ‖x‖² − 2⟨q, x⟩
 *           expansion, whose cancellation would reorder near ties;
 * - cosine: 1 − ⟨q, x⟩ / (‖q‖‖x‖), with the similarity of a zero vector taken as 0 (distance 1);
 * - dot:    −⟨q, x⟩ (maximum inner product search).
 * Ties in the computed distance go to the smaller train index, so the result is a deterministic function of
 * the data — recall against it is reproducible.
 *
 * Blocking: train rows are taken in blocks of about 256 KB (so a block stays in L2 while every query passes
 * over it) and queries four at a time, so each train value loaded feeds four accumulators.
 */
export interface GroundTruth {
  metric: Metric;
  k: number;
  queries: number;
  /** queries × k train indices, nearest first. */
  neighbors: Int32Array;
  /** queries × k distances matching `neighbors`. */
  distances: Float32Array;
}

export interface GroundTruthOptions {
  /** No progress bar even on a terminal. */
  quiet?: boolean;
  /** Called after each train block with the fraction of the work done. */
  onProgress?: (fraction: number) => void;
  /** Multiply-adds (train × test × dimension) above which a bar is drawn on a terminal; default 2e9, about
   * two seconds of work — a shorter pass would only flash a bar. */
  progressMinWork?: number;
  /** Where the bar goes; default process.stderr. No bar unless `isTTY` is true (logs stay clean in CI). */
  progressStream?: NodeJS.WritableStream & { isTTY?: boolean };
}

const BLOCK_BYTES = 1 << 18;
const PROGRESS_MIN_WORK = 2e9;

/** Checks shapes, k, the metric and finiteness; returns the train and test row counts. */
export function validateGroundTruthInput(
  train: Float32Array,
  test: Float32Array,
  dimension: number,
  k: number,
  metric: Metric,
): { n: number; nq: number } {
  assertArg(Number.isSafeInteger(dimension) && dimension > 0, 'INVALID_DIMENSION', 'dimension must be > 0');
  assertArg(
    train.length % dimension === 0 && test.length % dimension === 0,
    'DIMENSION_MISMATCH',
    'train/test lengths must be multiples of the dimension',
  );
  assertArg(isMetric(metric), 'INVALID_ARGUMENT', `metric must be l2, cosine or dot, not ${String(metric)}`);
  const n = train.length / dimension;
  const nq = test.length / dimension;
  assertArg(Number.isSafeInteger(k) && k >= 1 && k <= n, 'INVALID_ARGUMENT', `k must be in [1, ${n}]`);
  assertFinite(train, 'train');
  assertFinite(test, 'test');
  return { n, nq };
}

/** A bar on a terminal for passes of at least `progressMinWork` multiply-adds; undefined otherwise. */
export function progressBar(
  options: GroundTruthOptions,
  work: number,
  unit: string,
): cliProgress.SingleBar | undefined {
  const stream = options.progressStream ?? process.stderr;
  if (options.quiet || stream.isTTY !== true || work < (options.progressMinWork ?? PROGRESS_MIN_WORK))
    return undefined;
  return new cliProgress.SingleBar(
    { format: `ground truth |{bar}| {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`, stream },
    cliProgress.Presets.shades_classic,
  );
}

export function computeGroundTruth(
  train: Float32Array,
  test: Float32Array,
  dimension: number,
  k: number,
  metric: Metric,
  options: GroundTruthOptions = {},
): GroundTruth {
  const { n, nq } = validateGroundTruthInput(train, test, dimension, k, metric);

  const heapD = new Float64Array(nq * k);
  const heapI = new Int32Array(nq * k);
  const heapSize = new Int32Array(nq);
  const trainNorms = metric === 'cosine' ? rowNorms(train, dimension) : undefined;
  const testNorms = metric === 'cosine' ? rowNorms(test, dimension) : undefined;

  const bar = progressBar(options, n * nq * dimension, 'train rows');
  bar?.start(n, 0);

  const blockRows = Math.max(1, Math.floor(BLOCK_BYTES / (4 * dimension)));
  const scores = new Float64Array(4);
  for (let b0 = 0; b0 < n; b0 += blockRows) {
    const b1 = Math.min(n, b0 + blockRows);
    for (let q0 = 0; q0 < nq; q0 += 4) {
      // A short last group repeats its last query; the repeats' scores are computed and ignored.
      const qa = q0 * dimension;
      const qb = Math.min(q0 + 1, nq - 1) * dimension;
      const qc = Math.min(q0 + 2, nq - 1) * dimension;
      const qd = Math.min(q0 + 3, nq - 1) * dimension;
      const groupSize = Math.min(4, nq - q0);
      for (let i = b0; i < b1; i++) {
        const x = i * dimension;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        if (metric === 'l2') {
          for (let j = 0; j < dimension; j++) {
            const v = train[x + j]!;
            const d0 = test[qa + j]! - v;
            const d1 = test[qb + j]! - v;
            const d2 = test[qc + j]! - v;
            const d3 = test[qd + j]! - v;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
          }
        } else {
          for (let j = 0; j < dimension; j++) {
            const v = train[x + j]!;
            s0 += test[qa + j]! * v;
            s1 += test[qb + j]! * v;
            s2 += test[qc + j]! * v;
            s3 += test[qd + j]! * v;
          }
        }
        scores[0] = s0;
        scores[1] = s1;
        scores[2] = s2;
        scores[3] = s3;
        for (let g = 0; g < groupSize; g++) {
          const q = q0 + g;
          let dist = scores[g]!;
          if (metric === 'dot') dist = -dist;
          else if (metric === 'cosine') {
            const denom = testNorms![q]! * trainNorms![i]!;
            dist = 1 - (denom === 0 ? 0 : dist / denom);
          }
          offer(heapD, heapI, heapSize, q * k, k, q, dist, i);
        }
      }
    }
    bar?.update(b1);
    options.onProgress?.(b1 / n);
  }
  bar?.stop();

  const neighbors = new Int32Array(nq * k);
  const distances = new Float32Array(nq * k);
  const order = new Int32Array(k);
  for (let q = 0; q < nq; q++) {
    const base = q * k;
    const size = heapSize[q]!;
    for (let t = 0; t < size; t++) order[t] = t;
    const ranked = order.subarray(0, size).sort((a, b) => {
      const da = heapD[base + a]!;
      const db = heapD[base + b]!;
      return da !== db ? da - db : heapI[base + a]! - heapI[base + b]!;
    });
    for (let t = 0; t < size; t++) {
      const slot = base + ranked[t]!;
      neighbors[base + t] = heapI[slot]!;
      const d = heapD[slot]!;
      distances[base + t] = metric === 'l2' ? Math.sqrt(d) : d;
    }
  }
  return { metric, k, queries: nq, neighbors, distances };
}

/**
 * Bounded max-heap on (distance, index): the root is the worst of the k kept. A candidate enters when it
 * beats the root — smaller distance, or an equal distance with a smaller index.
 */
function offer(
  heapD: Float64Array,
  heapI: Int32Array,
  heapSize: Int32Array,
  base: number,
  k: number,
  q: number,
  dist: number,
  index: number,
): void {
  const size = heapSize[q]!;
  if (size < k) {
    let c = size;
    while (c > 0) {
      const p = (c - 1) >> 1;
      const pd = heapD[base + p]!;
      // The new entry rises while it is worse than its parent (max-heap on (distance, index)).
      if (pd < dist || (pd === dist && heapI[base + p]! < index)) {
        heapD[base + c] = pd;
        heapI[base + c] = heapI[base + p]!;
        c = p;
      } else break;
    }
    heapD[base + c] = dist;
    heapI[base + c] = index;
    heapSize[q] = size + 1;
    return;
  }
  const rootD = heapD[base]!;
  if (dist > rootD || (dist === rootD && index > heapI[base]!)) return;
  let c = 0;
  for (;;) {
    const l = 2 * c + 1;
    if (l >= k) break;
    let w = l;
    const r = l + 1;
    if (r < k) {
      const ld = heapD[base + l]!;
      const rd = heapD[base + r]!;
      if (rd > ld || (rd === ld && heapI[base + r]! > heapI[base + l]!)) w = r;
    }
    const wd = heapD[base + w]!;
    if (wd > dist || (wd === dist && heapI[base + w]! > index)) {
      heapD[base + c] = wd;
      heapI[base + c] = heapI[base + w]!;
      c = w;
    } else break;
  }
  heapD[base + c] = dist;
  heapI[base + c] = index;
}

function rowNorms(data: Float32Array, dimension: number): Float64Array {
  const rows = data.length / dimension;
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = r * dimension, end = j + dimension; j < end; j++) s += data[j]! * data[j]!;
    norms[r] = Math.sqrt(s);
  }
  return norms;
}

function assertFinite(data: Float32Array, what: string): void {
  for (let i = 0; i < data.length; i++)
    if (!Number.isFinite(data[i]!)) throw new DitherError('NON_FINITE_VALUE', `${what}[${i}] is ${data[i]}`);
}

/**
 * The exact distance (in the convention above) between test row `q` and train row `i`. Used to score the ids a
 * search returned (ann-benchmarks' recall compares true distances, never the index's own estimates) and to
 * complete ground truth shipped without distances (TEXMEX .ivecs).
 */
export function exactDistance(
  train: Float32Array,
  test: Float32Array,
  dimension: number,
  metric: Metric,
  q: number,
  i: number,
): number {
  const x = i * dimension;
  const y = q * dimension;
  let s = 0;
  if (metric === 'l2') {
    for (let j = 0; j < dimension; j++) {
      const d = test[y + j]! - train[x + j]!;
      s += d * d;
    }
    return Math.sqrt(s);
  }
  let xx = 0;
  let yy = 0;
  for (let j = 0; j < dimension; j++) {
    const a = test[y + j]!;
    const b = train[x + j]!;
    s += a * b;
    xx += b * b;
    yy += a * a;
  }
  if (metric === 'dot') return -s;
  const denom = Math.sqrt(xx) * Math.sqrt(yy);
  return 1 - (denom === 0 ? 0 : s / denom);
}
