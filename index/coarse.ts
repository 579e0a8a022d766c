import hnswlib from 'hnswlib-node';
import { createRotation, type Rotation } from '../src/rotation.js';

const { HierarchicalNSW } = hnswlib;

/**
 * Sketch width: HNSW runs on the first 64 coordinates of a randomized Hadamard rotation of each vector (the
 * rotation spreads every vector's energy evenly, so these coordinates preserve distances and inner products up
 * to a common scale, Johnson–Lindenstrauss style). hnswlib-node's distance loop over 784 floats made each
 * lookup cost ~8× a 784-element array copy; on the sketch it is cheap, and the few candidates it returns are
 * re-ranked with exact full-dimensional distances, so the lists chosen are the exact nearest ones in practice.
 */
export const SKETCH_DIMENSION = 64;

/** The sketch map of a dimension and seed: x ↦ first 64 coordinates of R·x (identity for small dimensions). */
export class Sketch {
  readonly rotation: Rotation | null;
  readonly outputDimension: number;
  private readonly work: Float64Array;

  constructor(
    readonly dimension: number,
    seed: number,
  ) {
    this.rotation =
      dimension > SKETCH_DIMENSION * 1.5 ? createRotation(dimension, 'padded', 1, seed ^ 0x5ce7) : null;
    this.outputDimension = this.rotation === null ? dimension : SKETCH_DIMENSION;
    this.work = new Float64Array(this.rotation?.outputDimension ?? dimension);
  }

  /** out[offset…offset+outputDimension) ← sketch of v. */
  into(v: ArrayLike<number>, out: Float32Array | number[], offset = 0): void {
    if (this.rotation === null) {
      for (let j = 0; j < this.dimension; j++) out[offset + j] = v[j]!;
      return;
    }
    this.rotation.apply(v, this.work);
    for (let j = 0; j < SKETCH_DIMENSION; j++) out[offset + j] = this.work[j]!;
  }
}

/**
 * The coarse quantizer's index: HNSW (hnswlib-node) over the IVF centroids, answering "which lists to probe"
 * and "which list does this point belong to". Space `l2` for l2 and cosine collections (cosine vectors are
 * stored normalised), `ip` for dot collections (lists chosen by largest ⟨q, c⟩, as IVF does for MIPS).
 */
export class CoarseIndex {
  private readonly hnsw: InstanceType<typeof HierarchicalNSW>;
  private readonly sketch: Sketch;
  private scores = new Float64Array(64);

  constructor(
    readonly centroids: Float32Array,
    readonly count: number,
    readonly dimension: number,
    readonly space: 'l2' | 'ip',
    options: { m: number; efConstruction: number; seed: number },
  ) {
    this.sketch = new Sketch(dimension, options.seed);
    this.hnsw = new HierarchicalNSW(space, this.sketch.outputDimension);
    this.hnsw.initIndex(count, options.m, options.efConstruction, options.seed);
    for (let c = 0; c < count; c++)
      this.hnsw.addPoint(this.project(centroids.subarray(c * dimension, (c + 1) * dimension)), c);
  }

  /** The `n` best lists for a query, best first (exact full-dimensional order among the sketch's candidates). */
  nearest(query: ArrayLike<number>, n: number): number[] {
    const k = Math.min(n, this.count);
    if (k === this.count)
      return this.rank(
        query,
        Array.from({ length: this.count }, (_, i) => i),
        k,
      );
    const candidates = Math.min(this.count, this.sketch.rotation === null ? k : Math.max(2 * k, k + 8));
    this.hnsw.setEf(Math.max(candidates, 32));
    return this.rank(query, this.hnsw.searchKnn(this.project(query), candidates).neighbors, k);
  }

  /** Nearest list for each row of `data` (training assignment). */
  assign(data: Float32Array, count: number, out: Int32Array): void {
    const d = this.dimension;
    for (let i = 0; i < count; i++) out[i] = this.nearest(data.subarray(i * d, (i + 1) * d), 1)[0]!;
  }

  private project(v: ArrayLike<number>): number[] {
    const out = new Array<number>(this.sketch.outputDimension);
    this.sketch.into(v, out);
    return out;
  }

  private rank(query: ArrayLike<number>, candidates: ArrayLike<number>, k: number): number[] {
    const count = candidates.length;
    if (this.scores.length < count) this.scores = new Float64Array(2 * count);
    const scores = this.scores;
    for (let i = 0; i < count; i++) scores[i] = this.distance(query, candidates[i]!);
    if (k === 1) {
      // Assignment (every upsert and every point of a training pass): one pass, no sort, no allocation.
      let best = 0;
      for (let i = 1; i < count; i++) if (scores[i]! < scores[best]!) best = i;
      return [candidates[best]!];
    }
    const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
    return order.slice(0, k).map((i) => candidates[i]!);
  }

  /** Exact full-dimensional distance to a list's centroid: squared L2, or −⟨q, c⟩ for `ip`. */
  private distance(query: ArrayLike<number>, list: number): number {
    const d = this.dimension;
    const c = this.centroids;
    const o = list * d;
    let s = 0;
    if (this.space === 'l2') {
      for (let j = 0; j < d; j++) {
        const t = query[j]! - c[o + j]!;
        s += t * t;
      }
      return s;
    }
    for (let j = 0; j < d; j++) s -= query[j]! * c[o + j]!;
    return s;
  }
}
