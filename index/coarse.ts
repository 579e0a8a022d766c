import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

/**
 * The coarse quantizer's index: HNSW (hnswlib-node) over the IVF centroids, answering "which lists to probe".
 * Space `l2` for l2 and cosine collections (cosine vectors are stored normalised), `ip` for dot collections
 * (lists are then chosen by largest ⟨q, c⟩, as IVF does for maximum inner product search).
 */
export class CoarseIndex {
  private readonly hnsw: InstanceType<typeof HierarchicalNSW>;

  constructor(
    readonly centroids: Float32Array,
    readonly count: number,
    readonly dimension: number,
    space: 'l2' | 'ip',
    options: { m: number; efConstruction: number; seed: number },
  ) {
    this.hnsw = new HierarchicalNSW(space, dimension);
    this.hnsw.initIndex(count, options.m, options.efConstruction, options.seed);
    for (let c = 0; c < count; c++)
      this.hnsw.addPoint(Array.from(centroids.subarray(c * dimension, (c + 1) * dimension)), c);
  }

  /** The `n` best lists for a query, best first. */
  nearest(query: number[], n: number): number[] {
    const k = Math.min(n, this.count);
    this.hnsw.setEf(Math.max(k, 64));
    const { neighbors, distances } = this.hnsw.searchKnn(query, k);
    const order = neighbors.map((_, i) => i).sort((a, b) => distances[a]! - distances[b]!);
    return order.map((i) => neighbors[i]!);
  }

  /** Nearest list for each row of `data` (training assignment). */
  assign(data: Float32Array, count: number, out: Int32Array): void {
    this.hnsw.setEf(32);
    const d = this.dimension;
    for (let i = 0; i < count; i++)
      out[i] = this.hnsw.searchKnn(Array.from(data.subarray(i * d, (i + 1) * d)), 1).neighbors[0]!;
  }
}
