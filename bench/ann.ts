/**
 * Recall against bits (`npm run bench` = `tsx bench/ann.ts`, also `ditherdb bench`): for every quantizer kind
 * and bit width, ditherdb's recall@1/10/100 when every code is scanned without rerank, recall@10 against QPS
 * over an nprobe sweep with and without rerank, bits per original dimension, RAM per point, ingest time and
 * the quantizer's MSE·4^b on the data; then the peer systems that are installed (hnswlib-node, usearch,
 * LanceDB), measured on the same rows against the same exact neighbours. Results go through bench/report:
 * one JSON record per configuration, a Markdown table and two Vega-Lite plots rendered to SVG.
 *
 * Protocol (ann-benchmarks'): the train rows are the collection, the first `queries` test rows the queries,
 * exact brute-force neighbours (cached) as ground truth, one client issuing queries one after another.
 * Correctness before timing: each collection, probed exhaustively with a wide rerank, must return the exact
 * neighbours of a few queries.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import type { Collection } from '../index/collection.js';
import { Database } from '../index/database.js';
import { assertArg } from '../src/errors.js';
import { createQuantizer, type QuantizerKind } from '../src/quantizer/index.js';
import type { Dataset, Metric } from './datasets/dataset.js';
import { datasetGroundTruth } from './datasets/groundtruth-cache.js';
import { loadDataset } from './datasets/load.js';
import { recallFields } from './peers/common.js';
import { hnswlibPeer } from './peers/hnswlib.js';
import { lancedbPeer } from './peers/lancedb.js';
import type { Peer, PeerContext, Progress, ProgressFactory } from './peers/types.js';
import { usearchPeer } from './peers/usearch.js';
import { type BenchRecord, machineInfo, type WrittenResults, writeResults } from './report/index.js';

export const PEERS: Readonly<Record<string, Peer>> = {
  hnswlib: hnswlibPeer,
  usearch: usearchPeer,
  lancedb: lancedbPeer,
};

export interface AnnBenchOptions {
  /** `fashion-mnist`, an ann-benchmarks name, or a path loadDataset understands. */
  dataset: string;
  /** Overrides the dataset's declared metric (default: declared, else l2). */
  metric?: Metric;
  bits: number[];
  kinds: QuantizerKind[];
  /** Results per query in the QPS sweep. */
  k: number;
  /** Test rows used as queries. */
  queries: number;
  /** Queries of the exhaustive (every code, no rerank, k = 100) pass; at most `queries`. */
  scanQueries: number;
  nprobes: number[];
  /** Rerank keeps k·oversampling candidates. */
  oversampling: number;
  /** Peer names to run (keys of PEERS); empty = none. */
  peers: string[];
  /** Output folder and file stem of the results. */
  out: string;
  name: string;
  /** Read at most this many train rows (smoke runs). */
  maxTrain?: number;
  seed: number;
  /** Points per upsert batch. */
  batch: number;
  /** Vectors encoded for the MSE·4^b column. */
  mseSamples: number;
  /** No progress bars and no per-configuration lines. */
  quiet: boolean;
}

export const ANN_DEFAULTS: AnnBenchOptions = {
  dataset: 'fashion-mnist',
  bits: [1, 2, 3, 4, 5, 6, 8],
  kinds: ['dithered', 'turbo'],
  k: 10,
  queries: 1000,
  scanQueries: 100,
  nprobes: [4, 16, 64],
  oversampling: 4,
  peers: Object.keys(PEERS),
  out: 'docs/benchmarks/fashion-mnist',
  name: 'fashion-mnist',
  seed: 42,
  batch: 2000,
  mseSamples: 1000,
  quiet: false,
};

/** Queries of the correctness check that precedes every timed pass. */
const CHECK_QUERIES = 10;
/** Untimed queries before each timed pass. */
const WARMUP_QUERIES = 20;
/** Depth of the exhaustive pass: recall@100 needs 100 results. */
const SCAN_K = 100;

export interface AnnBenchResult {
  records: BenchRecord[];
  skipped: { peer: string; reason: string }[];
  written: WrittenResults;
  seconds: number;
}

/** Checks the options a caller (CLI or test) assembled; throws INVALID_ARGUMENT naming the bad one. */
export function validateAnnOptions(o: AnnBenchOptions): void {
  const posInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
  assertArg(
    o.bits.length > 0 && o.bits.every((b) => posInt(b) && b <= 8),
    'INVALID_ARGUMENT',
    'bits must be integers 1..8',
  );
  assertArg(
    o.kinds.length > 0 && o.kinds.every((k) => k === 'dithered' || k === 'turbo'),
    'INVALID_ARGUMENT',
    'kinds must be dithered and/or turbo',
  );
  for (const f of ['k', 'queries', 'scanQueries', 'batch', 'mseSamples'] as const)
    assertArg(posInt(o[f]), 'INVALID_ARGUMENT', `${f} must be a positive integer`);
  assertArg(o.k <= 100, 'INVALID_ARGUMENT', 'k must be at most 100 (the ground-truth depth)');
  assertArg(o.nprobes.length > 0 && o.nprobes.every(posInt), 'INVALID_ARGUMENT', 'nprobe values must be ≥ 1');
  assertArg(
    Number.isFinite(o.oversampling) && o.oversampling >= 1,
    'INVALID_ARGUMENT',
    'oversampling must be ≥ 1',
  );
  for (const p of o.peers)
    assertArg(p in PEERS, 'INVALID_ARGUMENT', `unknown peer ${p} (known: ${Object.keys(PEERS).join(', ')})`);
  assertArg(o.maxTrain === undefined || posInt(o.maxTrain), 'INVALID_ARGUMENT', 'maxTrain must be ≥ 1');
}

export async function runAnnBench(options: AnnBenchOptions): Promise<AnnBenchResult> {
  validateAnnOptions(options);
  const started = performance.now();
  const log = options.quiet ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  const progress = progressFactory(options.quiet);
  const machine = machineInfo();
  const date = new Date();
  log(`date ${date.toISOString()} · ${machine.cpu} × ${machine.cores} cores · Node ${machine.node}`);
  const loadAverageStart = os.loadavg();
  log(`load average at start: ${loadAverageStart.map((l) => l.toFixed(1)).join(' ')}`);

  const dataset = await loadDataset(options.dataset, {
    maxTest: options.queries,
    ...(options.metric === undefined ? {} : { metric: options.metric }),
    ...(options.maxTrain === undefined ? {} : { maxTrain: options.maxTrain }),
  });
  const metric: Metric = options.metric ?? dataset.metric ?? 'l2';
  const truthK = Math.min(SCAN_K, dataset.trainCount);
  let t = performance.now();
  const gt = await datasetGroundTruth(dataset, truthK, metric, { quiet: options.quiet });
  log(
    `${dataset.name}: ${dataset.trainCount} × ${dataset.dimension}, ${dataset.testCount} queries, ${metric}; ` +
      `ground truth @${truthK} ${gt.shipped ? 'shipped' : gt.fromCache ? 'from cache' : 'computed'} in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  const work = mkdtempSync(join(os.tmpdir(), 'ditherdb-bench-ann-'));
  const records: BenchRecord[] = [];
  const skipped: { peer: string; reason: string }[] = [];
  const write = async (partial: boolean) => {
    const seconds = (performance.now() - started) / 1000;
    const meta = {
      dataset: dataset.name,
      trainCount: dataset.trainCount,
      queryCount: dataset.testCount,
      scanQueries: Math.min(options.scanQueries, dataset.testCount),
      dimension: dataset.dimension,
      metric,
      k: options.k,
      nprobes: options.nprobes,
      oversampling: options.oversampling,
      seed: options.seed,
      groundTruth: gt.shipped ? 'shipped' : 'brute force (cached)',
      peersSkipped: skipped,
      partial,
      wallSeconds: Math.round(seconds),
      loadAverageStart,
      loadAverageEnd: os.loadavg(),
    };
    const written = await writeResults({
      records,
      outDir: options.out,
      name: options.name,
      meta,
      date,
      machine,
    });
    appendFileSync(written.markdown, notesSection(options, meta, skipped, seconds, partial));
    return { written, seconds };
  };
  try {
    const ctx: PeerContext = {
      dimension: dataset.dimension,
      metric,
      train: dataset.train,
      trainCount: dataset.trainCount,
      queries: dataset.test,
      queryCount: dataset.testCount,
      truth: gt.neighbors,
      truthK,
      k: options.k,
      nprobes: options.nprobes,
      seed: options.seed,
      workDir: work,
      progress,
      log,
    };
    // Peers first, then ditherdb by bit width with the kinds interleaved; results are rewritten after every
    // step, so a run cut short still leaves every finished configuration on disk (meta.partial = true).
    for (const name of Object.keys(PEERS)) {
      if (!options.peers.includes(name)) {
        skipped.push({ peer: name, reason: 'not requested (--peers)' });
        continue;
      }
      t = performance.now();
      const outcome = await PEERS[name]!.run(ctx);
      if ('skipped' in outcome) {
        skipped.push({ peer: name, reason: outcome.skipped });
        log(`peer ${name} skipped: ${outcome.skipped}`);
      } else {
        records.push(...outcome.records);
        log(`peer ${name}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
        await write(true);
      }
    }
    const db = await Database.open(join(work, 'ditherdb'));
    try {
      for (const bits of options.bits)
        for (const kind of options.kinds) {
          t = performance.now();
          records.push(
            ...(await runDitherdb(
              db,
              dataset,
              metric,
              gt.neighbors,
              truthK,
              kind,
              bits,
              options,
              log,
              progress,
            )),
          );
          log(`ditherdb ${kind} b=${bits}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
          await write(true);
        }
    } finally {
      await db.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const { written, seconds } = await write(false);
  log(`wrote ${written.json}, ${written.markdown} in ${seconds.toFixed(0)} s`);
  return { records, skipped, written, seconds };
}
/**
 * One kind × bit width: a collection of `dataset.train` with IVF trained once after ingest, then the
 * correctness check, the exhaustive pass and the nprobe sweep. Returns its records and drops the collection.
 */
async function runDitherdb(
  db: Database,
  dataset: Dataset,
  metric: Metric,
  truth: Int32Array,
  truthK: number,
  kind: QuantizerKind,
  bits: number,
  o: AnnBenchOptions,
  log: (line: string) => void,
  progress: ProgressFactory,
): Promise<BenchRecord[]> {
  const d = dataset.dimension;
  const n = dataset.trainCount;
  const name = `ann-${kind}-${bits}`;
  const c = await db.createCollection(name, {
    dimension: d,
    metric,
    bits,
    kind,
    seed: o.seed,
    storeVectors: 'float32',
    // Above N while ingesting, so that IVF is trained exactly once, by the train() below.
    index: { flatThreshold: n + 1, nprobe: o.nprobes[0]!, oversampling: o.oversampling },
  });
  try {
    const bar = progress(`ditherdb ${kind} b=${bits} ingest`, n);
    let t = performance.now();
    for (let i0 = 0; i0 < n; i0 += o.batch) {
      const points = [];
      for (let i = i0; i < Math.min(n, i0 + o.batch); i++)
        points.push({ id: i, vector: dataset.train.subarray(i * d, (i + 1) * d) });
      await c.upsert(points);
      bar.increment(points.length);
    }
    bar.stop();
    const ingestSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await c.train();
    const trainSeconds = (performance.now() - t) / 1000;
    const stats = c.stats();
    // Every bit a point's code holds (levels, padding, float32 scale, dither and norm), per original dimension.
    const bitsPerDimension = ((stats.bytesPerCode + 12) * 8) / d;
    const mse4b = measureMse4b(dataset, kind, bits, c, o.mseSamples);
    const config = `IVF-${stats.lists} ${bits}-bit ${kind}`;
    const base = {
      system: 'ditherdb',
      bits,
      bitsPerDimension,
      kind,
      metric,
      ramBytesPerPoint: stats.ramBytesPerPoint,
      ingestSeconds: ingestSeconds + trainSeconds,
      mse4b,
    };
    const buildNote = `ingest ${ingestSeconds.toFixed(1)} s + IVF training ${trainSeconds.toFixed(1)} s`;
    const query = (q: number) => dataset.test.subarray(q * d, (q + 1) * d);

    // Correctness: every list, a wide candidate set reranked exactly → the true neighbours.
    const checkCount = Math.min(CHECK_QUERIES, dataset.testCount);
    const checkK = Math.min(o.k, truthK);
    const checked: number[][] = [];
    for (let q = 0; q < checkCount; q++)
      checked.push(
        (await c.search(query(q), { k: checkK, nprobe: stats.lists, rerank: true, oversampling: 50 })).map(
          (r) => r.id as number,
        ),
      );
    const checkRecall = recallFields(checked, truth.subarray(0, checkCount * truthK), truthK, checkK);
    const exact = checkK >= 10 ? checkRecall.recall10! : checkRecall.recall1!;
    if (exact < 0.95)
      throw new Error(
        `ditherdb ${kind} b=${bits}: exhaustive probe with rerank reached recall ${exact.toFixed(3)} on ${checkCount} queries; the index or the ground truth is wrong`,
      );

    const records: BenchRecord[] = [];
    // Every code scanned, no rerank: the quantizer's own ranking quality.
    const scanCount = Math.min(o.scanQueries, dataset.testCount);
    const scanK = Math.min(SCAN_K, truthK);
    {
      const sbar = progress(`ditherdb ${kind} b=${bits} scan all`, scanCount);
      const found: number[][] = new Array(scanCount);
      const t0 = performance.now();
      for (let q = 0; q < scanCount; q++) {
        const res = await c.search(query(q), { k: scanK, nprobe: stats.lists, rerank: false });
        found[q] = res.map((r) => r.id as number);
        sbar.increment();
      }
      const qps = scanCount / ((performance.now() - t0) / 1000);
      sbar.stop();
      const rec = recallFields(found, truth.subarray(0, scanCount * truthK), truthK, scanK);
      records.push({
        ...base,
        config,
        k: scanK,
        nprobe: stats.lists,
        rerank: 0,
        ...rec,
        qps,
        notes: `every code scanned (${scanCount} queries); exhaustive check ${exact.toFixed(3)}; ${buildNote}`,
      });
      log(
        `  ${kind} b=${bits} (${bitsPerDimension.toFixed(2)} bits/dim) scan all: recall@1 ${fmt(rec.recall1)} @10 ${fmt(rec.recall10)} @100 ${fmt(rec.recall100)}; MSE·4^b ${mse4b.toFixed(2)}`,
      );
    }

    // nprobe sweep, without and with rerank, at the requested k.
    const sweep = o.nprobes.flatMap((nprobe) => [false, true].map((rerank) => ({ nprobe, rerank })));
    const wbar = progress(`ditherdb ${kind} b=${bits} nprobe sweep`, sweep.length * dataset.testCount);
    for (const { nprobe, rerank } of sweep) {
      const found: number[][] = new Array(dataset.testCount);
      // Untimed warm-up: JIT, LevelDB block cache and list pages settle before the clock starts.
      for (let q = 0; q < Math.min(WARMUP_QUERIES, dataset.testCount); q++)
        await c.search(query(q), { k: o.k, nprobe, rerank, oversampling: o.oversampling });
      const t0 = performance.now();
      for (let q = 0; q < dataset.testCount; q++) {
        const res = await c.search(query(q), { k: o.k, nprobe, rerank, oversampling: o.oversampling });
        found[q] = res.map((r) => r.id as number);
        if ((q & 63) === 63) wbar.increment(64);
      }
      const qps = dataset.testCount / ((performance.now() - t0) / 1000);
      const rec = recallFields(found, truth, truthK, o.k);
      records.push({
        ...base,
        config,
        k: o.k,
        nprobe: Math.min(nprobe, stats.lists),
        rerank: rerank ? Math.ceil(o.k * o.oversampling) : 0,
        ...rec,
        qps,
        notes: buildNote,
      });
      log(
        `  ${kind} b=${bits} nprobe=${nprobe} rerank=${rerank}: recall@${o.k} ${fmt(o.k >= 10 ? rec.recall10 : rec.recall1)} at ${qps.toFixed(0)} QPS`,
      );
    }
    wbar.stop();
    return records;
  } finally {
    await db.dropCollection(name);
  }
}

/**
 * MSE·4^b = mean ‖x − x̂‖² / ‖x‖² · 4^b over the first `samples` train rows, encoded whole (no IVF centroid) by
 * a quantizer configured as the collection's — the normalised error of DESIGN §2 (π√3/2 ≈ 2.72 is the
 * dithered TurboQuant limit; Shannon's bound is 1), measured on this data instead of random unit vectors.
 */
function measureMse4b(
  dataset: Dataset,
  kind: QuantizerKind,
  bits: number,
  c: Collection,
  samples: number,
): number {
  const d = dataset.dimension;
  const quantizer = createQuantizer({
    dimension: d,
    bits,
    kind,
    seed: c.config.seed,
    rotation: c.config.rotation,
    rounds: c.config.rounds,
  });
  let sum = 0;
  let used = 0;
  const rows = Math.min(samples, dataset.trainCount);
  for (let i = 0; i < rows; i++) {
    const x = dataset.train.subarray(i * d, (i + 1) * d);
    let norm2 = 0;
    for (let j = 0; j < d; j++) norm2 += x[j]! * x[j]!;
    if (norm2 === 0) continue;
    const xh = quantizer.decode(quantizer.encode(x));
    let err = 0;
    for (let j = 0; j < d; j++) err += (x[j]! - xh[j]!) ** 2;
    sum += err / norm2;
    used++;
  }
  return used === 0 ? 0 : (sum / used) * 4 ** bits;
}

function notesSection(
  o: AnnBenchOptions,
  meta: { dataset: string; trainCount: number; queryCount: number; scanQueries: number },
  skipped: { peer: string; reason: string }[],
  seconds: number,
  partial: boolean,
): string {
  const lines = [
    '## How this was measured',
    '',
    ...(partial
      ? ['**Partial results: the run was still going or was cut short when this was written.**', '']
      : []),
    `Command: \`ditherdb bench --dataset ${o.dataset} --bits ${o.bits.join(',')} --kinds ${o.kinds.join(',')} --k ${o.k} --queries ${o.queries}\` ` +
      `(same as \`npm run bench -- …\`). Wall time ${seconds.toFixed(0)} s.`,
    '',
    `${meta.dataset}: ${meta.trainCount} train vectors as the collection, the first ${meta.queryCount} test vectors as ` +
      'queries, exact neighbours by brute force as ground truth, one client, queries one after another.',
    '',
    '- ditherdb rows with `nprobe` = the list count and `rerank` 0 scan every code without rerank, k = 100, on the ' +
      `first ${meta.scanQueries} queries (recall@1/10/100 from one pass). The other ditherdb rows sweep nprobe ` +
      `(${o.nprobes.join(', ')}) without rerank and with rerank of k·${o.oversampling} candidates from stored float32 originals.`,
    '- bits/dim counts every bit of a code: levels, rotation padding, and the float32 scale, dither and norm. ' +
      'RAM B/point is `stats().ramBytesPerPoint` (code, scalars, id slot; originals live in LevelDB on disk). ' +
      'ingest s = upserts into LevelDB + one IVF training pass. MSE·4^b: mean ‖x − x̂‖²/‖x‖²·4^b over ' +
      `${o.mseSamples} train vectors encoded without a centroid.`,
    '- hnswlib-node: float32 HNSW (M 16, efConstruction 200), ef swept; RAM from its record layout. usearch: HNSW ' +
      '(connectivity 16, expansion_add 128) with f16 and i8 storage on data divided by its largest |coordinate| ' +
      '(i8 needs [−1, 1]; the ranking is unchanged), expansion_search swept; RAM = saved index bytes / N. ' +
      'LanceDB: IVF_RQ (1 and 4 bits) and IVF_PQ (d/8 sub-vectors of 8 bits = 1 bit/dim), √N partitions, nprobe ' +
      'swept without refine and with refineFactor 4; RAM = index bytes on disk / N.',
    '',
  ];
  if (skipped.length > 0) {
    lines.push('Peers not in this run:', '');
    for (const s of skipped) lines.push(`- ${s.peer}: ${s.reason}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function fmt(v: number | null): string {
  return v === null ? '–' : v.toFixed(4);
}

/** Bars on stderr when it is a terminal and the run is not quiet; otherwise no-ops (logs stay clean). */
function progressFactory(quiet: boolean): ProgressFactory {
  const tty = process.stderr.isTTY === true && !quiet;
  return (label: string, total: number): Progress => {
    if (!tty) return { increment() {}, stop() {} };
    const bar = new cliProgress.SingleBar(
      {
        format: `${label.padEnd(40)} |{bar}| {percentage}% | {value}/{total} | ETA {eta_formatted}`,
        stream: process.stderr,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return {
      increment(by = 1) {
        bar.increment(by);
      },
      stop() {
        bar.update(total);
        bar.stop();
      },
    };
  };
}

// `tsx bench/ann.ts [flags]`: the same options as `ditherdb bench`.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { Command } = await import('commander');
  const { configureBench } = await import('../server/commands/bench.js');
  await configureBench(new Command('npm run bench --'), async () => ({
    ANN_DEFAULTS,
    runAnnBench,
  })).parseAsync(process.argv);
}
