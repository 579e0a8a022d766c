import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BenchRecord } from '../report/record.js';
import { diskBytes, importOptional, recallFields } from './common.js';
import type { Peer, PeerContext, PeerOutcome } from './types.js';

/**
 * LanceDB (embedded, Lance columnar format) with two IVF indexes over the same table:
 * - IVF_RQ: RaBitQ-style residual quantization (Gao & Long 2024), `numBits` bits per dimension;
 * - IVF_PQ: product quantization (Jégou, Douze & Schmid 2011), numSubVectors codes of 8 bits, so
 *   8·numSubVectors/d bits per dimension.
 * Both use LanceDB's default √N partitions and are swept over the driver's nprobe values, without refine and
 * with refineFactor 4 (exact re-scoring of 4·k candidates from the stored float32 columns, LanceDB's rerank).
 */
const RQ_BITS = [1, 4];
const PQ_DIMS_PER_SUB_VECTOR = 8;
const REFINE = 4;
/** Untimed queries before each timed pass. */
const WARMUP = 20;

/** The parts of LanceDB's and apache-arrow's APIs used here, typed locally so the benchmark type-checks
 * without the optional packages. */
interface LanceQuery {
  distanceType(type: string): LanceQuery;
  limit(k: number): LanceQuery;
  nprobes(n: number): LanceQuery;
  select(columns: string[]): LanceQuery;
  refineFactor(factor: number): LanceQuery;
  toArray(): Promise<{ id: number }[]>;
}
interface LanceTable {
  countRows(): Promise<number>;
  createIndex(column: string, options: { config: unknown; replace: boolean }): Promise<void>;
  listIndices(): Promise<{ columns: string[]; indexUuid?: string }[]>;
  vectorSearch(vector: Float32Array): LanceQuery;
}
interface LanceModule {
  connect(uri: string): Promise<{ createTable(name: string, data: unknown): Promise<LanceTable> }>;
  Index: {
    ivfRq(options: Record<string, unknown>): unknown;
    ivfPq(options: Record<string, unknown>): unknown;
  };
}
interface ArrowModule {
  Float32: new () => unknown;
  Int32: new () => unknown;
  Field: new (name: string, type: unknown, nullable: boolean) => unknown;
  FixedSizeList: new (size: number, child: unknown) => unknown;
  makeData(props: Record<string, unknown>): unknown;
  makeVector(data: unknown): unknown;
  Table: new (columns: Record<string, unknown>) => unknown;
}

export const lancedbPeer: Peer = {
  packageName: '@lancedb/lancedb',
  async run(ctx: PeerContext): Promise<PeerOutcome> {
    // Lance logs deprecation notices from Rust on every query unless told otherwise.
    process.env.LANCEDB_LOG ??= 'error';
    const loaded = await importOptional<LanceModule>('@lancedb/lancedb');
    if ('missing' in loaded) return { skipped: loaded.missing };
    const lancedb = loaded.module;
    // LanceDB checks `instanceof` against the CommonJS build of apache-arrow it requires itself; a table built
    // with the ESM build arrives empty. Take the same copy.
    const arrow = createRequire(import.meta.url)('apache-arrow') as ArrowModule;
    const d = ctx.dimension;
    const n = ctx.trainCount;
    const distanceType = ctx.metric === 'l2' ? 'l2' : ctx.metric === 'cosine' ? 'cosine' : 'dot';
    const dir = join(ctx.workDir, 'lancedb');
    const db = await lancedb.connect(dir);
    const t0 = performance.now();
    const itemType = new arrow.FixedSizeList(d, new arrow.Field('item', new arrow.Float32(), true));
    const values = arrow.makeData({ type: new arrow.Float32(), length: n * d, data: ctx.train });
    const vectors = arrow.makeData({ type: itemType, length: n, nullCount: 0, child: values });
    const ids = arrow.makeData({
      type: new arrow.Int32(),
      length: n,
      data: Int32Array.from({ length: n }, (_, i) => i),
    });
    const table = await db.createTable(
      'points',
      new arrow.Table({ id: arrow.makeVector(ids), vector: arrow.makeVector(vectors) }),
    );
    const tableSeconds = (performance.now() - t0) / 1000;
    const rows = await table.countRows();
    if (rows !== n) throw new Error(`lancedb: table holds ${rows} rows, wrote ${n}`);
    const partitions = Math.max(1, Math.round(Math.sqrt(n)));
    const subVectors = Math.max(1, Math.floor(d / PQ_DIMS_PER_SUB_VECTOR));
    const configs = [
      ...RQ_BITS.map((b) => ({
        kind: 'ivf-rq',
        bits: b,
        bitsPerDimension: b,
        config: `IVF_RQ-${partitions} ${b}-bit`,
        index: lancedb.Index.ivfRq({ numPartitions: partitions, numBits: b, distanceType }),
      })),
      {
        kind: 'ivf-pq',
        bits: 8,
        bitsPerDimension: (8 * subVectors) / d,
        config: `IVF_PQ-${partitions} ${subVectors}×8-bit`,
        index: lancedb.Index.ivfPq({ numPartitions: partitions, numSubVectors: subVectors, distanceType }),
      },
    ];
    const records: BenchRecord[] = [];
    for (const cfg of configs) {
      const bar = ctx.progress(`lancedb ${cfg.config} index`, 1);
      const t = performance.now();
      await table.createIndex('vector', { config: cfg.index, replace: true });
      const indexSeconds = (performance.now() - t) / 1000;
      bar.increment();
      bar.stop();
      // `replace` may leave the previous index's files until compaction: measure this index's folder only.
      const info = (await table.listIndices()).find((i) => i.columns.includes('vector'));
      const indexDir = join(dir, 'points.lance', '_indices', info?.indexUuid ?? '');
      const ramBytesPerPoint = diskBytes(indexDir) / n;
      for (const nprobe of ctx.nprobes) {
        for (const refine of [0, REFINE]) {
          const found: number[][] = new Array(ctx.queryCount);
          const search = (q: number) => {
            const query = table
              .vectorSearch(ctx.queries.subarray(q * d, (q + 1) * d))
              .distanceType(distanceType)
              .limit(ctx.k)
              .nprobes(nprobe)
              .select(['id', '_distance']);
            return (refine > 0 ? query.refineFactor(refine) : query).toArray();
          };
          for (let q = 0; q < Math.min(WARMUP, ctx.queryCount); q++) await search(q);
          const t1 = performance.now();
          for (let q = 0; q < ctx.queryCount; q++) found[q] = (await search(q)).map((r) => r.id);
          const qps = ctx.queryCount / ((performance.now() - t1) / 1000);
          const rec = recallFields(found, ctx.truth, ctx.truthK, ctx.k);
          ctx.log(
            `  lancedb ${cfg.config} nprobe=${nprobe} refine=${refine}: recall@10 ${rec.recall10?.toFixed(4) ?? '–'} at ${qps.toFixed(0)} QPS`,
          );
          records.push({
            system: 'lancedb',
            config: `${cfg.config}${refine > 0 ? ` refine×${refine}` : ''}`,
            bits: cfg.bits,
            bitsPerDimension: cfg.bitsPerDimension,
            kind: cfg.kind,
            metric: ctx.metric,
            k: ctx.k,
            nprobe,
            rerank: refine * ctx.k,
            ...rec,
            qps,
            ramBytesPerPoint,
            ingestSeconds: tableSeconds + indexSeconds,
            mse4b: null,
            notes: `table ${tableSeconds.toFixed(1)} s + index ${indexSeconds.toFixed(1)} s; RAM = index bytes on disk / N`,
          });
        }
      }
    }
    return { records };
  },
};
