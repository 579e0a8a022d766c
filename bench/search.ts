/**
 * Search benchmark (`npm run bench:search`): the embedded database (IVF lists of dithered codes under an HNSW
 * coarse index, error-bounded rerank from LevelDB) against hnswlib-node (Malkov & Yashunin's HNSW) on
 * Fashion-MNIST, ann-benchmarks' protocol: 60 000 train images as the collection, the first 1 000 test images
 * as queries, L2 on raw pixels, recall@10 against exact brute-force neighbours, one core, sequential queries.
 *
 * Every engine configuration runs in its own child process, so its RSS delta (after a forced GC, measured
 * against the same process with the data and ground truth already loaded) holds only what that engine keeps.
 * Each child verifies correctness before timing: ditherdb at an exhaustive probe (every list, large
 * oversampling, rerank) must return the exact neighbours and distances; hnswlib at ef = 500 must too.
 *
 * Flags: --quick (20 000 train points, 200 queries, bits 1 and 4; prints only unless --write),
 *        --write / --no-write, --keep (keep the children's result files and print their folder),
 *        --from=<folder> (re-render the report from kept child results, skipping bits with none).
 * The full run writes docs/benchmarks/search.{md,json}.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import hnswlib from 'hnswlib-node';
import { Database } from '../index/database.js';
import { rerank, scanLists } from '../index/search.js';
import { Rng } from '../src/rng.js';
import { cachedGroundTruth } from './datasets/groundtruth-cache.js';
import { loadFashionMnist } from './datasets/idx.js';

// ---------------------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const childArg = argv.find((a) => a.startsWith('--child='))?.slice('--child='.length);
const outArg = argv.find((a) => a.startsWith('--out='))?.slice('--out='.length);
const write = argv.includes('--write') || (!quick && !argv.includes('--no-write'));

const K = 10;
const TRAIN = quick ? 20_000 : 60_000;
const QUERIES = quick ? 200 : 1000;
const WARMUP = quick ? 50 : 200;
const BITS = quick ? [1, 4] : [1, 2, 4, 8];
const NPROBES = [4, 8, 16, 32, 64, 128];
const EFS = [10, 20, 40, 80, 160, 320];
const HNSW_M = 16;
const HNSW_EF_CONSTRUCTION = 200;
const SEED = 42;
const BATCH = 2000;
/** Queries whose exhaustive search is compared with the ground truth before anything is timed. */
const CHECK_QUERIES = 30;
/** Queries timed stage by stage (the breakdown needs means, not the whole query set). */
const BREAKDOWN_QUERIES = 300;

// ---------------------------------------------------------------------------------------------------------
// Data

interface Data {
  name: string;
  dimension: number;
  train: Float32Array;
  test: Float32Array;
  n: number;
  nq: number;
  gt: Int32Array;
  gtDistances: Float32Array;
}

/** Fashion-MNIST, else a seeded mixture of 100 Gaussian clusters in 784-d with the same scale of pixel values. */
async function loadData(): Promise<Data> {
  const fm = loadFashionMnist();
  let name: string;
  let dimension: number;
  let train: Float32Array;
  let test: Float32Array;
  if (fm !== null) {
    name = 'Fashion-MNIST';
    dimension = fm.dimension;
    train = fm.train.slice(0, TRAIN * dimension);
    test = fm.test.slice(0, QUERIES * dimension);
  } else {
    name = 'synthetic clustered (100 Gaussian clusters)';
    dimension = 784;
    const rng = new Rng(SEED, 1);
    const clusters = 100;
    const centers = new Float32Array(clusters * dimension);
    for (let i = 0; i < centers.length; i++) centers[i] = 128 + 60 * rng.gaussian();
    const draw = (rows: number) => {
      const out = new Float32Array(rows * dimension);
      for (let r = 0; r < rows; r++) {
        const c = rng.int(clusters);
        for (let j = 0; j < dimension; j++)
          out[r * dimension + j] = centers[c * dimension + j]! + 25 * rng.gaussian();
      }
      return out;
    };
    train = draw(TRAIN);
    test = draw(QUERIES);
  }
  const gt = await cachedGroundTruth(train, test, dimension, K, 'l2', { quiet: true });
  return {
    name,
    dimension,
    train,
    test,
    n: train.length / dimension,
    nq: test.length / dimension,
    gt: gt.neighbors,
    gtDistances: gt.distances,
  };
}

function recallAt(data: Data, q: number, ids: ArrayLike<number>): number {
  let hit = 0;
  const truth = data.gt.subarray(q * K, q * K + K);
  for (let i = 0; i < Math.min(K, ids.length); i++) if (truth.includes(ids[i]!)) hit++;
  return hit / K;
}

// ---------------------------------------------------------------------------------------------------------
// Memory

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function settledRss(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().rss;
}

// ---------------------------------------------------------------------------------------------------------
// Results

interface SweepPoint {
  /** nprobe (ditherdb) or ef (hnswlib). */
  param: number;
  rerank?: boolean;
  oversampling?: number;
  recall: number;
  qps: number;
}

interface Breakdown {
  nprobe: number;
  oversampling: number;
  /** Mean milliseconds per query in each stage of the search pipeline. */
  rotateMs: number;
  coarseMs: number;
  scanMs: number;
  rerankMs: number;
  codesScanned: number;
  originalsRead: number;
  /** Rerank reads per second of rerank time (LevelDB getMany + exact distances). */
  readsPerSecond: number;
  /** Codes scored per second of scan time. */
  codesPerSecond: number;
}

interface EngineResult {
  engine: 'ditherdb' | 'hnswlib';
  bits?: number;
  ingestSeconds: number;
  trainSeconds: number;
  buildSeconds: number;
  rssDeltaBytes: number;
  /** ditherdb: stats().ramBytesPerPoint; hnswlib: the per-point estimate below. */
  indexBytesPerPoint: number;
  lists?: number;
  bitsPerDimension?: number;
  correctness: string;
  sweep: SweepPoint[];
  breakdown?: Breakdown[];
}

// ---------------------------------------------------------------------------------------------------------
// ditherdb

async function runDitherdb(data: Data, bits: number): Promise<EngineResult> {
  const d = data.dimension;
  const rss0 = settledRss();
  const dir = mkdtempSync(join(os.tmpdir(), 'ditherdb-bench-search-'));
  const db = await Database.open(dir);
  try {
    const c = await db.createCollection('fmnist', {
      dimension: d,
      metric: 'l2',
      bits,
      kind: 'dithered',
      seed: SEED,
      storeVectors: 'float32',
      // Above N during ingest, so training runs exactly once, by the explicit train() below.
      index: { flatThreshold: data.n + 1, nprobe: 32, oversampling: 4 },
    });
    let t = performance.now();
    for (let b0 = 0; b0 < data.n; b0 += BATCH) {
      const points = [];
      for (let i = b0; i < Math.min(data.n, b0 + BATCH); i++)
        points.push({ id: i, vector: data.train.subarray(i * d, (i + 1) * d) });
      await c.upsert(points);
    }
    const ingestSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await c.train();
    const trainSeconds = (performance.now() - t) / 1000;
    const stats = c.stats();
    const rssDeltaBytes = settledRss() - rss0;
    const query = (q: number) => data.test.subarray(q * d, (q + 1) * d);

    // Correctness: every list probed, 30× oversampling, rerank → the exact neighbours and distances.
    let checkRecall = 0;
    let maxDistanceError = 0;
    for (let q = 0; q < CHECK_QUERIES; q++) {
      const res = await c.search(query(q), { k: K, nprobe: stats.lists, rerank: true, oversampling: 30 });
      checkRecall += recallAt(
        data,
        q,
        res.map((r) => r.id as number),
      );
      for (let i = 0; i < res.length; i++)
        maxDistanceError = Math.max(maxDistanceError, Math.abs(res[i]!.score - data.gtDistances[q * K + i]!));
    }
    checkRecall /= CHECK_QUERIES;
    if (checkRecall < 0.99 || maxDistanceError > 1e-2)
      throw new Error(
        `ditherdb b=${bits}: exhaustive search recall ${checkRecall}, max distance error ${maxDistanceError}`,
      );
    const correctness = `exhaustive probe (${stats.lists} lists, oversampling 30, rerank) on ${CHECK_QUERIES} queries: recall@10 ${checkRecall.toFixed(4)}, max |distance − exact| ${maxDistanceError.toExponential(1)}`;

    for (let q = 0; q < WARMUP; q++)
      await c.search(query(q % data.nq), { k: K, nprobe: 32, rerank: q % 2 === 0 });

    const sweep: SweepPoint[] = [];
    const configs: { nprobe: number; rerank: boolean; oversampling: number }[] = [];
    for (const nprobe of NPROBES)
      for (const rr of [false, true]) configs.push({ nprobe, rerank: rr, oversampling: 4 });
    const top = NPROBES[NPROBES.length - 1]!;
    configs.push({ nprobe: top, rerank: true, oversampling: 8 });
    configs.push({ nprobe: top * 2, rerank: true, oversampling: 8 });
    for (const cfg of configs) {
      const found: number[][] = [];
      const t0 = performance.now();
      for (let q = 0; q < data.nq; q++) {
        const res = await c.search(query(q), { k: K, ...cfg });
        found.push(res.map((r) => r.id as number));
      }
      const seconds = (performance.now() - t0) / 1000;
      let recall = 0;
      for (let q = 0; q < data.nq; q++) recall += recallAt(data, q, found[q]!);
      sweep.push({
        param: cfg.nprobe,
        rerank: cfg.rerank,
        oversampling: cfg.oversampling,
        recall: recall / data.nq,
        qps: data.nq / seconds,
      });
      console.error(
        `  b=${bits} nprobe=${cfg.nprobe} rerank=${cfg.rerank} os=${cfg.oversampling}: recall ${(recall / data.nq).toFixed(4)} at ${(data.nq / seconds).toFixed(0)} QPS`,
      );
    }

    const breakdown = [];
    for (const nprobe of [16, top]) breakdown.push(await stageBreakdown(c, data, nprobe, 4));
    return {
      engine: 'ditherdb',
      bits,
      ingestSeconds,
      trainSeconds,
      buildSeconds: ingestSeconds + trainSeconds,
      rssDeltaBytes,
      indexBytesPerPoint: stats.ramBytesPerPoint,
      lists: stats.lists,
      bitsPerDimension: stats.bitsPerDimension,
      correctness,
      sweep,
      breakdown,
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where a reranked search spends its time: the same pipeline as Collection.search (query rotation, coarse HNSW
 * over the centroids, scan of the probed lists, error-bounded rerank from LevelDB), with a clock around each
 * stage. It reaches the collection's in-memory state through a cast; results are checked against search().
 */
async function stageBreakdown(
  c: Awaited<ReturnType<Database['createCollection']>>,
  data: Data,
  nprobe: number,
  oversampling: number,
): Promise<Breakdown> {
  const inner = c as unknown as {
    state: {
      lists: Parameters<typeof scanLists>[0]['lists'];
      centroids: Float32Array | null;
      centroidSquaredNorms: Float64Array | null;
      coarse: { nearest(q: ArrayLike<number>, n: number): number[] } | null;
    };
    readVectorSync(id: number | string): Float32Array | undefined;
  };
  const d = data.dimension;
  const z = c.config.index.confidence;
  let rotate = 0;
  let coarse = 0;
  let scan = 0;
  let rr = 0;
  let scanned = 0;
  let read = 0;
  const nq = Math.min(data.nq, BREAKDOWN_QUERIES);
  for (let q = 0; q < nq; q++) {
    const vector = data.test.subarray(q * d, (q + 1) * d);
    const state = inner.state;
    const t0 = performance.now();
    const query = Float64Array.from(vector);
    const prepared = c.quantizer.prepareQuery(query);
    const t1 = performance.now();
    const order = state.coarse === null ? [0] : state.coarse.nearest(Array.from(query), nprobe);
    const t2 = performance.now();
    const res = scanLists({
      quantizer: c.quantizer,
      prepared,
      query,
      metric: 'l2',
      lists: state.lists,
      centroids: state.centroids,
      centroidSquaredNorms: state.centroidSquaredNorms,
      order,
      predicate: null,
      capacity: Math.ceil(K * oversampling),
      minMatches: 0,
      minLists: Math.min(nprobe, order.length),
    });
    const t3 = performance.now();
    const out = rerank(res.candidates, K, z, 'l2', query, (id) => inner.readVectorSync(id));
    const t4 = performance.now();
    rotate += t1 - t0;
    coarse += t2 - t1;
    scan += t3 - t2;
    rr += t4 - t3;
    scanned += res.scanned;
    read += out.read;
    if (q < 20) {
      const viaApi = await c.search(vector, { k: K, nprobe, rerank: true, oversampling });
      const mine = out.results.map((r) => r.id).join(',');
      if (viaApi.map((r) => r.id).join(',') !== mine)
        throw new Error(`stage breakdown diverges from search() on query ${q}`);
    }
  }
  return {
    nprobe,
    oversampling,
    rotateMs: rotate / nq,
    coarseMs: coarse / nq,
    scanMs: scan / nq,
    rerankMs: rr / nq,
    codesScanned: scanned / nq,
    originalsRead: read / nq,
    readsPerSecond: read / (rr / 1000),
    codesPerSecond: scanned / (scan / 1000),
  };
}

// ---------------------------------------------------------------------------------------------------------
// hnswlib-node

async function runHnswlib(data: Data): Promise<EngineResult> {
  const d = data.dimension;
  const rss0 = settledRss();
  const index = new hnswlib.HierarchicalNSW('l2', d);
  const t = performance.now();
  index.initIndex(data.n, HNSW_M, HNSW_EF_CONSTRUCTION, SEED);
  for (let i = 0; i < data.n; i++) index.addPoint(Array.from(data.train.subarray(i * d, (i + 1) * d)), i);
  const buildSeconds = (performance.now() - t) / 1000;
  const rssDeltaBytes = settledRss() - rss0;
  const query = (q: number) => Array.from(data.test.subarray(q * d, (q + 1) * d));

  // Correctness: a wide beam finds the exact neighbours (hnswlib reports squared L2).
  index.setEf(500);
  let checkRecall = 0;
  let maxDistanceError = 0;
  for (let q = 0; q < CHECK_QUERIES; q++) {
    const r = index.searchKnn(query(q), K);
    const order = r.distances
      .map((dist, i) => ({ dist, id: r.neighbors[i]! }))
      .sort((a, b) => a.dist - b.dist);
    checkRecall += recallAt(
      data,
      q,
      order.map((o) => o.id),
    );
    order.forEach((o, i) => {
      maxDistanceError = Math.max(
        maxDistanceError,
        Math.abs(Math.sqrt(o.dist) - data.gtDistances[q * K + i]!),
      );
    });
  }
  checkRecall /= CHECK_QUERIES;
  if (checkRecall < 0.99) throw new Error(`hnswlib: ef=500 recall ${checkRecall}`);
  const correctness = `ef = 500 on ${CHECK_QUERIES} queries: recall@10 ${checkRecall.toFixed(4)}, max |distance − exact| ${maxDistanceError.toExponential(1)}`;

  index.setEf(40);
  for (let q = 0; q < WARMUP; q++) index.searchKnn(query(q % data.nq), K);
  const queries = Array.from({ length: data.nq }, (_, q) => query(q));
  const sweep: SweepPoint[] = [];
  for (const ef of EFS) {
    index.setEf(ef);
    const found: number[][] = [];
    const t0 = performance.now();
    // Arrays are built outside the clock: hnswlib-node takes number[], ditherdb takes the Float32Array row.
    for (let q = 0; q < data.nq; q++) found.push(index.searchKnn(queries[q]!, K).neighbors);
    const seconds = (performance.now() - t0) / 1000;
    let recall = 0;
    for (let q = 0; q < data.nq; q++) recall += recallAt(data, q, found[q]!);
    sweep.push({ param: ef, recall: recall / data.nq, qps: data.nq / seconds });
    console.error(
      `  hnswlib ef=${ef}: recall ${(recall / data.nq).toFixed(4)} at ${(data.nq / seconds).toFixed(0)} QPS`,
    );
  }
  // hnswlib's level-0 record per point: the vector, M0 = 2M links of 4 bytes plus a count, the label; upper
  // levels add ≈ 1/ln(M) of that for links (mult = 1/ln M), hence the 1.1 on the link term.
  const indexBytesPerPoint = d * 4 + HNSW_M * 2 * 4 * 1.1 + 4 + 8;
  return {
    engine: 'hnswlib',
    ingestSeconds: buildSeconds,
    trainSeconds: 0,
    buildSeconds,
    rssDeltaBytes,
    indexBytesPerPoint,
    correctness,
    sweep,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Child entry

if (childArg !== undefined) {
  const data = await loadData();
  const result = childArg === 'hnswlib' ? await runHnswlib(data) : await runDitherdb(data, Number(childArg));
  writeFileSync(outArg!, JSON.stringify(result));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------------------
// Parent: machine, data, children, report

const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
const machine = `${cpu} × ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`;
const date = new Date().toISOString();
const load = os.loadavg().map((l) => l.toFixed(1));
console.log(`date: ${date}`);
console.log(`machine: ${machine}`);
console.log(`load average at start: ${load.join(' ')}`);
let t = performance.now();
const data = await loadData();
console.log(
  `${data.name}: ${data.n} train × ${data.dimension}, ${data.nq} queries, L2, ground truth in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

const tmp = mkdtempSync(join(os.tmpdir(), 'ditherdb-bench-search-out-'));
function child(which: string): EngineResult {
  const out = join(tmp, `${which}.json`);
  const args = [...process.execArgv, fileURLToPath(import.meta.url), `--child=${which}`, `--out=${out}`];
  if (quick) args.push('--quick');
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`child ${which} failed with status ${r.status}`);
  console.log(`${which}: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return JSON.parse(readFileSync(out, 'utf8')) as EngineResult;
}

t = performance.now();
// --from=<dir> re-renders the report from child results kept by an earlier run (--keep), skipping missing bits.
const fromDir = argv.find((a) => a.startsWith('--from='))?.slice('--from='.length);
const saved = (which: string) =>
  JSON.parse(readFileSync(join(fromDir!, `${which}.json`), 'utf8')) as EngineResult;
const hnsw = fromDir === undefined ? child('hnswlib') : saved('hnswlib');
const dither: EngineResult[] =
  fromDir === undefined
    ? BITS.map((b) => child(String(b)))
    : BITS.filter((b) => existsSync(join(fromDir, `${b}.json`))).map((b) => saved(String(b)));
if (argv.includes('--keep')) console.log(`child results kept in ${tmp}`);
else rmSync(tmp, { recursive: true, force: true });
const totalSeconds = (performance.now() - t) / 1000;
const loadEnd = os.loadavg().map((l) => l.toFixed(1));

// ---- analysis ----
const MiB = 2 ** 20;
const hnswIndexBytes = hnsw.indexBytesPerPoint * data.n;
/** Smallest ef whose recall reaches `recall`; null when none does. */
function hnswAt(recall: number): SweepPoint | null {
  return hnsw.sweep.find((s) => s.recall >= recall) ?? null;
}
interface EqualRecall {
  bits: number;
  nprobe: number;
  oversampling: number;
  recall: number;
  qps: number;
  hnswEf: number | null;
  hnswRecall: number | null;
  hnswQps: number | null;
  ratio: number | null;
}
const equal: EqualRecall[] = [];
for (const r of dither) {
  const ok = r.sweep.filter((s) => s.rerank && s.recall >= 0.99).sort((a, b) => b.qps - a.qps)[0];
  if (ok === undefined) continue;
  const h = hnswAt(ok.recall);
  equal.push({
    bits: r.bits!,
    nprobe: ok.param,
    oversampling: ok.oversampling!,
    recall: ok.recall,
    qps: ok.qps,
    hnswEf: h?.param ?? null,
    hnswRecall: h?.recall ?? null,
    hnswQps: h?.qps ?? null,
    ratio: h === null ? null : ok.qps / h.qps,
  });
}
const bestEqual = [...equal].sort((a, b) => (b.ratio ?? -1) - (a.ratio ?? -1))[0];
const b4 = dither.find((r) => r.bits === 4);
const b4NoRerank = b4 ? Math.max(...b4.sweep.filter((s) => !s.rerank).map((s) => s.recall)) : Number.NaN;
const bestBuild = Math.min(...dither.map((r) => r.buildSeconds));
const targets = [
  {
    target: 'rerank: recall@10 ≥ 0.99 at ≥ 50 % of hnswlib-node QPS at the same recall',
    measured:
      bestEqual === undefined
        ? 'no rerank configuration reached recall 0.99'
        : bestEqual.ratio === null
          ? `b=${bestEqual.bits} reaches ${bestEqual.recall.toFixed(4)}; no hnswlib ef in the sweep reaches it`
          : `best: b=${bestEqual.bits}, nprobe ${bestEqual.nprobe}, oversampling ${bestEqual.oversampling}: recall ${bestEqual.recall.toFixed(4)} at ${bestEqual.qps.toFixed(0)} QPS = ${(100 * bestEqual.ratio).toFixed(1)} % of hnswlib ef ${bestEqual.hnswEf} (${bestEqual.hnswQps!.toFixed(0)} QPS, recall ${bestEqual.hnswRecall!.toFixed(4)})`,
    met: bestEqual !== undefined && bestEqual.ratio !== null && bestEqual.ratio >= 0.5,
  },
  {
    target: 'index RAM ≤ 20 % of hnswlib-node’s',
    measured: dither
      .map(
        (r) =>
          `b=${r.bits}: ${r.indexBytesPerPoint} B/point = ${((100 * r.indexBytesPerPoint) / hnsw.indexBytesPerPoint).toFixed(1)} % (RSS delta ${((100 * r.rssDeltaBytes) / hnsw.rssDeltaBytes).toFixed(0)} %)`,
      )
      .join('; '),
    met: dither
      .filter((r) => r.bits! <= 4)
      .every((r) => r.indexBytesPerPoint <= 0.2 * hnsw.indexBytesPerPoint),
  },
  {
    target: 'ingest + training ≤ 10 s',
    measured:
      dither.map((r) => `b=${r.bits}: ${r.buildSeconds.toFixed(1)} s`).join('; ') +
      ` (hnswlib-node build ${hnsw.buildSeconds.toFixed(1)} s)`,
    met: bestBuild <= 10,
  },
  {
    target: 'no rerank, 4 bits: recall@10 ≥ 0.95',
    measured: `best over the nprobe sweep: ${b4NoRerank.toFixed(4)}`,
    met: b4NoRerank >= 0.95,
  },
];

// ---- report ----
const f = (x: number, digits = 1) => x.toFixed(digits);
const lines: string[] = [];
lines.push('# Search benchmark: ditherdb vs hnswlib-node');
lines.push('');
lines.push(
  `Generated by \`npm run bench:search\` (\`tsx bench/search.ts${quick ? ' --quick' : ''}\`). Date ${date}. Machine: ${machine}.`,
);
lines.push(
  `Load average ${load.join(' / ')} at start and ${loadEnd.join(' / ')} at the end: the machine is shared and ` +
    'noisy, so absolute QPS and seconds move between runs; the ratios to hnswlib-node, measured in the same run, ' +
    'are the figures to read.',
);
lines.push('');
lines.push(
  `Data: ${data.name}, ${data.n} train vectors × ${data.dimension} (raw pixels, float32) as the collection, the first ` +
    `${data.nq} test vectors as queries, L2, recall@10 against exact brute-force neighbours. One core, queries one ` +
    `after another (await each), after ${WARMUP} warm-up queries. Each engine runs in its own child process; ` +
    'RSS delta is measured after a forced GC against the same process with data and ground truth loaded.',
);
lines.push('');
lines.push('## Targets');
lines.push('');
lines.push('| target | measured | met |');
lines.push('|---|---|---|');
for (const tg of targets) lines.push(`| ${tg.target} | ${tg.measured} | ${tg.met ? 'yes' : '**no**'} |`);
lines.push('');
lines.push('## Build and memory');
lines.push('');
lines.push(
  '| engine | ingest s | training s | total s | lists | index B/point | index MiB | RSS delta MiB | correctness check |',
);
lines.push('|---|---|---|---|---|---|---|---|---|');
lines.push(
  `| hnswlib-node M=${HNSW_M} efC=${HNSW_EF_CONSTRUCTION} | ${f(hnsw.buildSeconds)} | – | ${f(hnsw.buildSeconds)} | – | ${f(hnsw.indexBytesPerPoint, 0)} (estimate) | ${f(hnswIndexBytes / MiB)} | ${f(hnsw.rssDeltaBytes / MiB)} | ${hnsw.correctness} |`,
);
for (const r of dither)
  lines.push(
    `| ditherdb b=${r.bits} dithered | ${f(r.ingestSeconds)} | ${f(r.trainSeconds)} | ${f(r.buildSeconds)} | ${r.lists} | ${r.indexBytesPerPoint} | ${f((r.indexBytesPerPoint * data.n) / MiB)} | ${f(r.rssDeltaBytes / MiB)} | ${r.correctness} |`,
  );
lines.push('');
lines.push(
  `hnswlib-node's index estimate is ${data.n} × (${data.dimension}·4 + M·2·4·1.1 + 12) bytes (vectors, links with ≈ 10 % ` +
    "for upper levels, label). ditherdb's is `stats().ramBytesPerPoint` (codes, scale, dither, norm, id slot, location) " +
    `× N, without the centroids (lists × ${data.dimension} × 4 bytes) and the coarse HNSW; the originals live in LevelDB on ` +
    "disk, and its RSS delta includes LevelDB's block cache and memtable as well as the JS heap.",
);
lines.push('');
lines.push('## Recall and QPS');
lines.push('');
lines.push('hnswlib-node (M = 16, efConstruction = 200):');
lines.push('');
lines.push('| ef | recall@10 | QPS |');
lines.push('|---|---|---|');
for (const s of hnsw.sweep) lines.push(`| ${s.param} | ${f(s.recall, 4)} | ${f(s.qps, 0)} |`);
lines.push('');
for (const r of dither) {
  lines.push(`ditherdb, ${r.bits} bit${r.bits === 1 ? '' : 's'} per dimension (dithered), ${r.lists} lists:`);
  lines.push('');
  lines.push('| nprobe | rerank | oversampling | recall@10 | QPS | QPS / hnswlib at same recall |');
  lines.push('|---|---|---|---|---|---|');
  for (const s of r.sweep) {
    const h = hnswAt(s.recall);
    lines.push(
      `| ${s.param} | ${s.rerank ? 'yes' : 'no'} | ${s.rerank ? s.oversampling : '–'} | ${f(s.recall, 4)} | ${f(s.qps, 0)} | ${h === null ? 'above sweep' : `${f(s.qps / h.qps, 2)} (ef ${h.param})`} |`,
    );
  }
  lines.push('');
}
lines.push('## At equal recall (rerank, recall ≥ 0.99)');
lines.push('');
lines.push(
  '| bits | nprobe | oversampling | recall@10 | QPS | hnswlib ef | hnswlib recall | hnswlib QPS | ratio |',
);
lines.push('|---|---|---|---|---|---|---|---|---|');
for (const e of equal)
  lines.push(
    `| ${e.bits} | ${e.nprobe} | ${e.oversampling} | ${f(e.recall, 4)} | ${f(e.qps, 0)} | ${e.hnswEf ?? '–'} | ${e.hnswRecall === null ? '–' : f(e.hnswRecall, 4)} | ${e.hnswQps === null ? '–' : f(e.hnswQps, 0)} | ${e.ratio === null ? '–' : f(e.ratio, 3)} |`,
  );
if (equal.length === 0) lines.push('| – | none reached 0.99 | | | | | | | |');
lines.push('');
lines.push('## Where a reranked query spends its time');
lines.push('');
lines.push(
  'The search pipeline re-run stage by stage with a clock around each (results checked identical to `search()` ' +
    `on 20 queries); mean milliseconds per query over the first ${Math.min(data.nq, BREAKDOWN_QUERIES)} queries, oversampling 4.`,
);
lines.push('');
lines.push(
  '| bits | nprobe | rotate ms | coarse HNSW ms | scan ms | rerank ms | codes scanned | originals read | scan codes/s | rerank reads/s |',
);
lines.push('|---|---|---|---|---|---|---|---|---|---|');
for (const r of dither)
  for (const b of r.breakdown ?? [])
    lines.push(
      `| ${r.bits} | ${b.nprobe} | ${f(b.rotateMs, 3)} | ${f(b.coarseMs, 3)} | ${f(b.scanMs, 3)} | ${f(b.rerankMs, 3)} | ${f(b.codesScanned, 0)} | ${f(b.originalsRead, 1)} | ${(b.codesPerSecond / 1e6).toFixed(2)} M | ${(b.readsPerSecond / 1e3).toFixed(1)} k |`,
    );
lines.push('');
lines.push(`Whole run (children): ${f(totalSeconds, 0)} s.`);
const md = `${lines.join('\n')}\n`;
console.log(`\n${md}`);

if (write) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'search.md'), md);
  writeFileSync(
    join(root, 'search.json'),
    `${JSON.stringify(
      {
        date,
        machine,
        loadAverage: { start: load, end: loadEnd },
        quick,
        dataset: {
          name: data.name,
          train: data.n,
          queries: data.nq,
          dimension: data.dimension,
          metric: 'l2',
          k: K,
        },
        hnswlib: { m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCTION, ...hnsw },
        ditherdb: dither,
        equalRecall: equal,
        targets,
        totalSeconds,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${join(root, 'search.md')} and search.json`);
}
