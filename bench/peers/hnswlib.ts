import type { BenchRecord } from '../report/record.js';
import { importOptional, queryRow, recallFields } from './common.js';
import type { Peer, PeerContext, PeerOutcome } from './types.js';

/**
 * hnswlib-node: Malkov & Yashunin's HNSW over float32 vectors (32 bits per dimension), the graph baseline of
 * ann-benchmarks. M = 16, efConstruction = 200 as in bench/search.ts; the search beam ef is swept.
 */
const M = 16;
const EF_CONSTRUCTION = 200;
const EFS = [10, 40, 160];
/** Untimed queries before each timed pass. */
const WARMUP = 20;

type HnswModule = typeof import('hnswlib-node');

export const hnswlibPeer: Peer = {
  packageName: 'hnswlib-node',
  async run(ctx: PeerContext): Promise<PeerOutcome> {
    const loaded = await importOptional<HnswModule & { default?: HnswModule }>('hnswlib-node');
    if ('missing' in loaded) return { skipped: loaded.missing };
    const lib = loaded.module.default ?? loaded.module;
    const space = ctx.metric === 'l2' ? 'l2' : ctx.metric === 'cosine' ? 'cosine' : 'ip';
    const d = ctx.dimension;
    const index = new lib.HierarchicalNSW(space, d);
    const bar = ctx.progress('hnswlib-node build', ctx.trainCount);
    const t0 = performance.now();
    index.initIndex(ctx.trainCount, M, EF_CONSTRUCTION, ctx.seed);
    const row: number[] = new Array(d);
    for (let i = 0; i < ctx.trainCount; i++) {
      for (let j = 0; j < d; j++) row[j] = ctx.train[i * d + j]!;
      index.addPoint(row, i);
      if ((i & 1023) === 1023) bar.increment(1024);
    }
    bar.stop();
    const buildSeconds = (performance.now() - t0) / 1000;
    // hnswlib-node takes number[]; the conversion is made before the clock starts.
    const queries = Array.from({ length: ctx.queryCount }, (_, q) => Array.from(queryRow(ctx, q)));
    // Level-0 record per point: the vector, 2M links of 4 bytes and a count, the label; upper levels add
    // ≈ 1/ln M of the links (hnswlib's mult = 1/ln M), hence the 1.1.
    const ramBytesPerPoint = d * 4 + M * 2 * 4 * 1.1 + 4 + 8;
    const records: BenchRecord[] = [];
    for (const ef of EFS) {
      index.setEf(Math.max(ef, ctx.k));
      const found: number[][] = new Array(ctx.queryCount);
      for (let q = 0; q < Math.min(WARMUP, ctx.queryCount); q++) index.searchKnn(queries[q]!, ctx.k);
      const t = performance.now();
      for (let q = 0; q < ctx.queryCount; q++) {
        const r = index.searchKnn(queries[q]!, ctx.k);
        // searchKnn returns neighbours farthest first in some builds; order by distance.
        found[q] = r.neighbors
          .map((id, i) => ({ id, dist: r.distances[i]! }))
          .sort((a, b) => a.dist - b.dist)
          .map((o) => o.id);
      }
      const qps = ctx.queryCount / ((performance.now() - t) / 1000);
      const rec = recallFields(found, ctx.truth, ctx.truthK, ctx.k);
      ctx.log(`  hnswlib-node ef=${ef}: recall@${ctx.k} ${fmt(rec, ctx.k)} at ${qps.toFixed(0)} QPS`);
      records.push({
        system: 'hnswlib-node',
        config: `HNSW M${M} efC${EF_CONSTRUCTION} float32`,
        bits: 32,
        bitsPerDimension: 32,
        kind: 'float32',
        metric: ctx.metric,
        k: ctx.k,
        nprobe: null,
        rerank: null,
        ...rec,
        qps,
        ramBytesPerPoint,
        ingestSeconds: buildSeconds,
        mse4b: null,
        notes: `ef=${ef}; RAM estimated from hnswlib's record layout`,
      });
    }
    return { records };
  },
};

function fmt(r: { recall10: number | null; recall1: number | null }, k: number): string {
  return (k >= 10 ? r.recall10 : r.recall1)?.toFixed(4) ?? '–';
}
