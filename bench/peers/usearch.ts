import { join } from 'node:path';
import type { BenchRecord } from '../report/record.js';
import { diskBytes, importOptional, recallFields } from './common.js';
import type { Peer, PeerContext, PeerOutcome } from './types.js';

/**
 * USearch (Unum's HNSW) with f16 and i8 storage: 16 and 8 bits per dimension. USearch's i8 maps a float v
 * to round(127·v) and so expects coordinates in [−1, 1]; the data are therefore normalised first — divided
 * by one global constant (the largest |coordinate|) for l2 and dot, which keeps every ranking; rows scaled to
 * unit length for cosine, which is what cosine ranks anyway. The search beam (expansion_search) is fixed at
 * construction, so the built index is saved once and re-opened (memory-mapped with view) per beam width.
 */
const CONNECTIVITY = 16;
const EXPANSION_ADD = 128;
const EFS = [10, 40, 160];
/** Untimed queries before each timed pass. */
const WARMUP = 20;
const QUANTIZATIONS = [
  { name: 'f16', bits: 16, caveat: '' },
  {
    name: 'i8',
    bits: 8,
    // Measured while writing this peer (5 000 Fashion-MNIST points, 100 queries, L2 truth): i8 + l2sq 0.52,
    // i8 + cos 0.52, exact cosine ranking 0.53, f32 + l2sq 1.00 — so i8 ranks by angle whatever the metric.
    caveat:
      '; usearch 2.25.3 i8 ranks by angle even under l2sq, so against L2 truth it cannot beat the exact cosine ranking',
  },
] as const;

/** The part of usearch's API used here, typed locally so the benchmark type-checks without the optional package. */
interface UsearchIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads: number): void;
  search(vector: Float32Array, k: number, threads: number): { keys: BigUint64Array };
  save(path: string): void;
  view(path: string): void;
}
interface UsearchModule {
  Index: new (config: Record<string, unknown>) => UsearchIndex;
}

export const usearchPeer: Peer = {
  packageName: 'usearch',
  async run(ctx: PeerContext): Promise<PeerOutcome> {
    const loaded = await importOptional<UsearchModule & { default?: UsearchModule }>('usearch');
    if ('missing' in loaded) return { skipped: loaded.missing };
    const lib = loaded.module.default?.Index !== undefined ? loaded.module.default : loaded.module;
    const d = ctx.dimension;
    const metric = ctx.metric === 'l2' ? 'l2sq' : ctx.metric === 'cosine' ? 'cos' : 'ip';
    const scale = Math.max(maxAbs(ctx.train), maxAbs(ctx.queries));
    const train = normalise(ctx.train, d, ctx.metric, scale);
    const queries = normalise(ctx.queries, d, ctx.metric, scale);
    const keys = new BigUint64Array(ctx.trainCount);
    for (let i = 0; i < ctx.trainCount; i++) keys[i] = BigInt(i);
    const records: BenchRecord[] = [];
    for (const quant of QUANTIZATIONS) {
      const config = {
        dimensions: d,
        metric,
        quantization: quant.name,
        connectivity: CONNECTIVITY,
        expansion_add: EXPANSION_ADD,
        expansion_search: EFS[0]!,
        multi: false,
      };
      const index = new lib.Index(config);
      const bar = ctx.progress(`usearch ${quant.name} build`, ctx.trainCount);
      const chunk = 4096;
      const t0 = performance.now();
      for (let i0 = 0; i0 < ctx.trainCount; i0 += chunk) {
        const i1 = Math.min(ctx.trainCount, i0 + chunk);
        // threads = 0: USearch's own thread pool, as its users run it (hnswlib-node builds on one thread).
        index.add(keys.subarray(i0, i1), train.subarray(i0 * d, i1 * d), 0);
        bar.increment(i1 - i0);
      }
      bar.stop();
      const buildSeconds = (performance.now() - t0) / 1000;
      const file = join(ctx.workDir, `usearch-${quant.name}.usearch`);
      index.save(file);
      const ramBytesPerPoint = diskBytes(file) / ctx.trainCount;
      for (const ef of EFS) {
        const view = new lib.Index({ ...config, expansion_search: Math.max(ef, ctx.k) });
        view.view(file);
        const found: number[][] = new Array(ctx.queryCount);
        for (let q = 0; q < Math.min(WARMUP, ctx.queryCount); q++)
          view.search(queries.subarray(q * d, (q + 1) * d), ctx.k, 1);
        const t = performance.now();
        for (let q = 0; q < ctx.queryCount; q++) {
          // One query at a time on one thread: the single-client protocol every system here is timed under.
          const r = view.search(queries.subarray(q * d, (q + 1) * d), ctx.k, 1);
          found[q] = Array.from(r.keys, Number);
        }
        const qps = ctx.queryCount / ((performance.now() - t) / 1000);
        const rec = recallFields(found, ctx.truth, ctx.truthK, ctx.k);
        ctx.log(
          `  usearch ${quant.name} ef=${ef}: recall@10 ${rec.recall10?.toFixed(4) ?? '–'} at ${qps.toFixed(0)} QPS`,
        );
        records.push({
          system: 'usearch',
          config: `HNSW M${CONNECTIVITY} efC${EXPANSION_ADD} ${quant.name}`,
          bits: quant.bits,
          bitsPerDimension: quant.bits,
          kind: quant.name,
          metric: ctx.metric,
          k: ctx.k,
          nprobe: null,
          rerank: null,
          ...rec,
          qps,
          ramBytesPerPoint,
          ingestSeconds: buildSeconds,
          mse4b: null,
          notes: `ef=${ef}; data normalised (${ctx.metric === 'cosine' ? 'unit rows' : 'divided by max |x|'}); RAM = saved index bytes / N${quant.caveat}`,
        });
      }
    }
    return { records };
  },
};

function maxAbs(data: Float32Array): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) m = Math.max(m, Math.abs(data[i]!));
  return m === 0 ? 1 : m;
}

function normalise(data: Float32Array, d: number, metric: string, scale: number): Float32Array {
  const out = new Float32Array(data.length);
  const rows = data.length / d;
  for (let r = 0; r < rows; r++) {
    let s = 1 / scale;
    if (metric === 'cosine') {
      let sq = 0;
      for (let j = 0; j < d; j++) sq += data[r * d + j]! ** 2;
      s = sq === 0 ? 1 : 1 / Math.sqrt(sq);
    }
    for (let j = 0; j < d; j++) out[r * d + j] = data[r * d + j]! * s;
  }
  return out;
}
