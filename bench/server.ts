/**
 * Server benchmark (`npm run bench:server`, issue 4): what the HTTP layer costs on top of the library.
 *
 * 1. Builds a 60 000-point collection (Fashion-MNIST train, L2, 784-d; else a seeded Gaussian mixture of the
 *    same shape) in an embedded database, waits for the IVF index, and checks correctness first: recall@10 of
 *    the library against exact ground truth on held-out queries, and that the server's `points/query`
 *    returns the library's ids for the same queries.
 * 2. Query throughput: the in-process library (sequential, and with 16 searches in flight) against the
 *    server's `POST /collections/{name}/points/query` driven by autocannon at 1, 16 and 64 connections
 *    (QPS, p50, p99). autocannon runs in a worker thread so the load generator does not share the server's
 *    event loop; the server and the library share this process, as the database allows one owner.
 * 3. Upsert throughput: the same 10 000 points × 784 as JSON and as msgpack (Float32Array vectors), in
 *    batches of 500, bodies encoded before the clock starts, rounds alternated; points per second.
 *
 * Targets: server QPS at concurrency 16 ≥ 80 % of the in-process library's; msgpack upsert ≥ 3× JSON.
 * Flags: --quick (fewer points and shorter runs; prints only), --seconds=N per load level (default 10).
 * Writes docs/benchmarks/server.{md,json} on a full run.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Packr } from 'msgpackr';
import type { Collection } from '../index/collection.js';
import { Database } from '../index/database.js';
import { buildServer, DEFAULT_SEARCH_CONCURRENCY } from '../server/app.js';
import { Rng } from '../src/rng.js';
import { computeGroundTruth } from './datasets/groundtruth.js';
import { loadFashionMnist } from './datasets/idx.js';
import { recallAtK } from './datasets/recall.js';
import { machineInfo } from './report/record.js';

// ---------------------------------------------------------------------------------------------------------
// Options and data

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const secondsArg = argv.find((a) => a.startsWith('--seconds='));
const SECONDS = secondsArg ? Number(secondsArg.slice('--seconds='.length)) : quick ? 3 : 10;
const N_POINTS = quick ? 20_000 : 60_000;
const N_QUERIES = 200;
const K = 10;
const CONCURRENCY = [1, 16, 64];
const INGEST_POINTS = quick ? 4_000 : 10_000;
const INGEST_BATCH = 500;
const INGEST_ROUNDS = 3;
const PAIRED_ROUNDS = 5;

interface Data {
  name: string;
  dimension: number;
  train: Float32Array;
  test: Float32Array;
}

/** Fashion-MNIST, or a seeded mixture of 10 Gaussian clusters in 784-d with the same value range. */
function loadData(): Data {
  const fm = loadFashionMnist();
  if (fm) {
    return {
      name: 'Fashion-MNIST',
      dimension: fm.dimension,
      train: fm.train.subarray(0, N_POINTS * fm.dimension),
      test: fm.test.subarray(0, N_QUERIES * fm.dimension),
    };
  }
  const d = 784;
  const rng = new Rng(4, 0);
  const centers = Array.from({ length: 10 }, () =>
    Float32Array.from({ length: d }, () => 128 + 60 * rng.gaussian()),
  );
  const draw = (n: number) => {
    const out = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const c = centers[rng.int(10)] as Float32Array;
      for (let j = 0; j < d; j++) out[i * d + j] = (c[j] as number) + 30 * rng.gaussian();
    }
    return out;
  };
  return {
    name: 'synthetic Gaussian mixture (Fashion-MNIST not installed)',
    dimension: d,
    train: draw(N_POINTS),
    test: draw(N_QUERIES),
  };
}

function row(data: Float32Array, d: number, i: number): Float32Array {
  return data.subarray(i * d, (i + 1) * d);
}

// ---------------------------------------------------------------------------------------------------------
// autocannon (no bundled types; the part used here)

interface Histogram {
  average: number;
  p50: number;
  p99: number;
}
interface AutocannonResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// ---------------------------------------------------------------------------------------------------------
// Measurements

async function libraryQps(
  collection: Collection,
  queries: Float32Array[],
  inFlight: number,
  seconds: number,
) {
  let done = 0;
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const q = queries[next++ % queries.length] as Float32Array;
      const t0 = performance.now();
      await collection.search(q, { k: K });
      latencies.push(performance.now() - t0);
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { qps: done / elapsed, p50: pct(0.5), p99: pct(0.99) };
}

async function serverQps(url: string, bodies: string[], connections: number, seconds: number) {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    workers: 1,
    requests: bodies.map((body) => ({
      method: 'POST',
      path: '/collections/bench/points/query',
      body,
      headers: { 'content-type': 'application/json' },
    })),
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `autocannon: ${result.non2xx} non-2xx, ${result.errors} errors at ${connections} connections`,
    );
  }
  return {
    qps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

async function timeUpserts(
  url: string,
  bodies: (string | Uint8Array)[],
  contentType: string,
): Promise<number> {
  const t0 = performance.now();
  for (const body of bodies) {
    const res = await fetch(`${url}/collections/ingest/points?wait=true`, {
      method: 'PUT',
      headers: { 'content-type': contentType },
      body,
    });
    if (res.status !== 200) throw new Error(`upsert ${contentType}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
  return (performance.now() - t0) / 1000;
}

/**
 * Vectors as a client would send them: Fashion-MNIST's raw pixels are small integers, JSON's best case
 * (≈ 2.8 characters a number); embeddings are floats, which JSON spells with up to 17 significant digits.
 */
const INGEST_VARIANTS = [
  { name: 'integer pixels 0..255', scale: 1 },
  { name: 'float32 (pixels / 255)', scale: 1 / 255 },
] as const;

interface IngestResult {
  variant: string;
  jsonPointsPerSecond: number;
  msgpackPointsPerSecond: number;
  libraryPointsPerSecond: number;
  jsonBytesPerPoint: number;
  msgpackBytesPerPoint: number;
  /** Server time per point minus the library's: what each transport adds (parse, validate, copy). */
  jsonOverheadMicros: number;
  msgpackOverheadMicros: number;
  ratio: number;
  overheadRatio: number | null;
}

async function ingestVariant(
  db: Database,
  url: string,
  data: Data,
  variant: (typeof INGEST_VARIANTS)[number],
): Promise<IngestResult> {
  const d = data.dimension;
  const n = data.train.length / d;
  const vectorOf = (i: number) => {
    const v = Float32Array.from(row(data.train, d, i % n));
    if (variant.scale !== 1) for (let j = 0; j < d; j++) v[j] = (v[j] as number) * variant.scale;
    return v;
  };
  const packr = new Packr({ moreTypes: true, useRecords: false });
  const jsonBodies: string[] = [];
  const packBodies: Uint8Array[] = [];
  const batches: { id: number; vector: Float32Array }[][] = [];
  for (let start = 0; start < INGEST_POINTS; start += INGEST_BATCH) {
    const ids: number[] = [];
    const vectors: Float32Array[] = [];
    for (let i = start; i < Math.min(INGEST_POINTS, start + INGEST_BATCH); i++) {
      ids.push(i);
      vectors.push(vectorOf(i));
    }
    jsonBodies.push(JSON.stringify({ batch: { ids, vectors: vectors.map((v) => Array.from(v)) } }));
    packBodies.push(packr.pack({ batch: { ids, vectors } }));
    batches.push(ids.map((id, k) => ({ id, vector: vectors[k] as Float32Array })));
  }
  const jsonBytes = jsonBodies.reduce((s, b) => s + Buffer.byteLength(b), 0);
  const packBytes = packBodies.reduce((s, b) => s + b.byteLength, 0);
  await timeUpserts(url, packBodies, 'application/msgpack'); // first write of these ids; later rounds overwrite
  let jsonSeconds = 0;
  let packSeconds = 0;
  let libSeconds = 0;
  const ingest = db.collection('ingest');
  for (let r = 0; r < INGEST_ROUNDS; r++) {
    jsonSeconds += await timeUpserts(url, jsonBodies, 'application/json');
    packSeconds += await timeUpserts(url, packBodies, 'application/msgpack');
    const t0 = performance.now();
    for (const points of batches) await ingest.upsert(points);
    libSeconds += (performance.now() - t0) / 1000;
  }
  const total = INGEST_POINTS * INGEST_ROUNDS;
  const jsonPps = total / jsonSeconds;
  const packPps = total / packSeconds;
  const libPps = total / libSeconds;
  const jsonOverheadMicros = ((jsonSeconds - libSeconds) / total) * 1e6;
  const msgpackOverheadMicros = ((packSeconds - libSeconds) / total) * 1e6;
  const result: IngestResult = {
    variant: variant.name,
    jsonPointsPerSecond: jsonPps,
    msgpackPointsPerSecond: packPps,
    libraryPointsPerSecond: libPps,
    jsonBytesPerPoint: jsonBytes / INGEST_POINTS,
    msgpackBytesPerPoint: packBytes / INGEST_POINTS,
    jsonOverheadMicros,
    msgpackOverheadMicros,
    ratio: packPps / jsonPps,
    // Below a few µs the msgpack overhead is lost in the machine's noise and a ratio would mean nothing.
    overheadRatio: msgpackOverheadMicros > 5 ? jsonOverheadMicros / msgpackOverheadMicros : null,
  };
  console.log(
    `upsert [${variant.name}]: JSON ${jsonPps.toFixed(0)} points/s (${result.jsonBytesPerPoint.toFixed(0)} B/point), ` +
      `msgpack ${packPps.toFixed(0)} points/s (${result.msgpackBytesPerPoint.toFixed(0)} B/point), library ${libPps.toFixed(0)} points/s; ` +
      `msgpack/JSON ${result.ratio.toFixed(2)} (target ≥ 3); transport overhead JSON ${jsonOverheadMicros.toFixed(0)} µs/point, ` +
      `msgpack ${msgpackOverheadMicros.toFixed(0)} µs/point` +
      (result.overheadRatio === null
        ? ' (msgpack overhead within noise)'
        : ` (${result.overheadRatio.toFixed(1)}×)`),
  );
  return result;
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const machine = machineInfo();
  const date = new Date().toISOString();
  // Other work on a shared machine shows here; it is printed so a reader can judge the figures.
  const startLoad = loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
  console.log(`# ditherdb server benchmark — ${date}`);
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.platform} ${machine.release}, Node ${machine.node}`,
  );

  const data = loadData();
  const d = data.dimension;
  const n = data.train.length / d;
  const queries = Array.from({ length: N_QUERIES }, (_, i) => row(data.test, d, i));
  console.log(`data: ${data.name}, ${n} points × ${d}, ${N_QUERIES} queries, k = ${K}`);

  const dir = mkdtempSync(join(tmpdir(), 'ditherdb-bench-server-'));
  const db = await Database.open(join(dir, 'db'));
  try {
    // -- build
    const collection = await db.createCollection('bench', { dimension: d, metric: 'l2' });
    const tBuild = performance.now();
    for (let start = 0; start < n; start += 2000) {
      const end = Math.min(n, start + 2000);
      const points = [];
      for (let i = start; i < end; i++) points.push({ id: i, vector: row(data.train, d, i) });
      await collection.upsert(points);
    }
    await (collection as unknown as { whenIndexed?: () => Promise<void> }).whenIndexed?.();
    const buildSeconds = (performance.now() - tBuild) / 1000;
    const stats = collection.stats();
    console.log(
      `built in ${buildSeconds.toFixed(1)} s: ${stats.points} points, ${stats.lists} lists, trained ${stats.trained}`,
    );

    // -- correctness first
    const truth = computeGroundTruth(
      data.train.subarray(0, n * d),
      data.test.subarray(0, N_QUERIES * d),
      d,
      K,
      'l2',
      {
        quiet: true,
      },
    );
    const libIds: number[][] = [];
    for (const q of queries) libIds.push((await collection.search(q, { k: K })).map((p) => p.id as number));
    const recall = recallAtK(libIds, truth.neighbors, K, K);
    console.log(`library recall@${K} = ${recall.toFixed(4)} (default nprobe, rerank)`);

    const app = await buildServer({ database: db, docs: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const bodies = queries.map((q) => JSON.stringify({ query: Array.from(q), limit: K }));
      let agree = 0;
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${url}/collections/bench/points/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: bodies[i] as string,
        });
        const ids = ((await res.json()) as { result: { points: { id: number }[] } }).result.points.map(
          (p) => p.id,
        );
        if (JSON.stringify(ids) === JSON.stringify(libIds[i])) agree++;
      }
      console.log(`server returns the library's ids on ${agree}/20 queries`);
      if (agree < 20) throw new Error('server and library disagree; not timing a wrong answer');

      // -- query throughput
      const lib1 = await libraryQps(collection, queries, 1, SECONDS);
      const lib2 = await libraryQps(collection, queries, 2, SECONDS);
      const lib16 = await libraryQps(collection, queries, 16, SECONDS);
      for (const [label, r] of [
        ['1', lib1],
        ['2', lib2],
        ['16', lib16],
      ] as const) {
        console.log(
          `library  in-flight ${label.padStart(2)}: ${r.qps.toFixed(0)} QPS, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`,
        );
      }
      await serverQps(url, bodies, 4, 1); // warm-up: JIT, connection pools
      const server: { connections: number; qps: number; p50: number; p99: number }[] = [];
      for (const c of CONCURRENCY) {
        const r = await serverQps(url, bodies, c, SECONDS);
        server.push({ connections: c, ...r });
        console.log(
          `server   conns   ${String(c).padStart(2)}: ${r.qps.toFixed(0)} QPS, p50 ${r.p50} ms, p99 ${r.p99} ms`,
        );
      }
      // The target compares server@16 with the library, so those two are also measured back to back in
      // alternating rounds: other load on a shared machine then hits both sides of each ratio alike.
      const ratios: number[] = [];
      for (let round = 0; round < PAIRED_ROUNDS; round++) {
        const lib = await libraryQps(collection, queries, 1, SECONDS / 2);
        const srv = await serverQps(url, bodies, 16, SECONDS / 2);
        ratios.push(srv.qps / lib.qps);
        console.log(
          `paired round ${round + 1}: library ${lib.qps.toFixed(0)} QPS, server@16 ${srv.qps.toFixed(0)} QPS, ratio ${(srv.qps / lib.qps).toFixed(3)}`,
        );
      }
      ratios.sort((a, b) => a - b);
      const queryRatio = ratios[Math.floor(ratios.length / 2)] as number;
      console.log(
        `server@16 / library@1, median of ${PAIRED_ROUNDS} paired rounds = ${queryRatio.toFixed(3)} (target ≥ 0.8)`,
      );

      // -- upsert throughput, JSON against msgpack
      await db.createCollection('ingest', { dimension: d, metric: 'l2' });
      const upsert = [];
      for (const variant of INGEST_VARIANTS) upsert.push(await ingestVariant(db, url, data, variant));
      const upsertRatio = Math.min(...upsert.map((u) => u.ratio));

      const report = {
        date,
        machine,
        command: `npx tsx bench/server.ts${quick ? ' --quick' : ''}`,
        data: { name: data.name, points: n, dimension: d, queries: N_QUERIES, k: K },
        build: { seconds: buildSeconds, lists: stats.lists, trained: stats.trained },
        recallAt10: recall,
        library: { inFlight1: lib1, inFlight2: lib2, inFlight16: lib16 },
        pairedRatios: ratios,
        server,
        queryRatio,
        upsert: {
          points: INGEST_POINTS,
          batch: INGEST_BATCH,
          rounds: INGEST_ROUNDS,
          variants: upsert,
          ratio: upsertRatio,
        },
        secondsPerLevel: SECONDS,
        searchConcurrency: DEFAULT_SEARCH_CONCURRENCY,
        loadAverage: startLoad,
      };
      if (!quick) writeReport(report);
    } finally {
      await app.close();
    }
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Report = Record<string, unknown> & {
  date: string;
  machine: ReturnType<typeof machineInfo>;
  data: { name: string; points: number; dimension: number; queries: number; k: number };
  recallAt10: number;
  library: Record<'inFlight1' | 'inFlight2' | 'inFlight16', { qps: number; p50: number; p99: number }>;
  pairedRatios: number[];
  server: { connections: number; qps: number; p50: number; p99: number }[];
  queryRatio: number;
  upsert: { variants: IngestResult[]; ratio: number };
};

function writeReport(r: Report) {
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'server.json'), `${JSON.stringify(r, null, 2)}\n`);
  const f = (x: number, digits = 0) => x.toFixed(digits);
  const lines = [
    '# Server benchmark',
    '',
    `Generated by \`npm run bench:server\` (bench/server.ts) on ${r.date}.`,
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}; load average at start ${String(r.loadAverage)}. Shared and noisy: read the ratios.`,
    '',
    `Data: ${r.data.name}, ${r.data.points} points × ${r.data.dimension} (L2), ${r.data.queries} held-out queries, k = ${r.data.k};`,
    `library recall@10 at default settings ${f(r.recallAt10, 4)}. The server's answers were checked equal to the library's before timing.`,
    '',
    '## Query throughput',
    '',
    '| client | concurrency | QPS | p50 (ms) | p99 (ms) |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| library, in process | 1 | ${f(r.library.inFlight1.qps)} | ${f(r.library.inFlight1.p50, 2)} | ${f(r.library.inFlight1.p99, 2)} |`,
    `| library, in process | 2 | ${f(r.library.inFlight2.qps)} | ${f(r.library.inFlight2.p50, 2)} | ${f(r.library.inFlight2.p99, 2)} |`,
    `| library, in process | 16 | ${f(r.library.inFlight16.qps)} | ${f(r.library.inFlight16.p50, 2)} | ${f(r.library.inFlight16.p99, 2)} |`,
    ...r.server.map(
      (s) => `| server, \`points/query\` over HTTP | ${s.connections} | ${f(s.qps)} | ${s.p50} | ${s.p99} |`,
    ),
    '',
    `Server at 16 connections / in-process library with one search in flight, median of paired back-to-back rounds (${r.pairedRatios.map((x) => f(x, 2)).join(', ')}) = **${f(r.queryRatio, 3)}** (target ≥ 0.8).`,
    'autocannon runs in a worker thread; server and library share one process (the database has one owner).',
    `The server runs at most ${String(r.searchConcurrency)} searches at once and queues the rest (server/limiter.ts).`,
    '',
    '## Upsert throughput',
    '',
    '| vectors | transport | points/s | bytes/point | transport overhead (µs/point) |',
    '| --- | --- | ---: | ---: | ---: |',
    ...r.upsert.variants.flatMap((u) => [
      `| ${u.variant} | JSON | ${f(u.jsonPointsPerSecond)} | ${f(u.jsonBytesPerPoint)} | ${f(u.jsonOverheadMicros)} |`,
      `| ${u.variant} | msgpack (Float32Array) | ${f(u.msgpackPointsPerSecond)} | ${f(u.msgpackBytesPerPoint)} | ${f(u.msgpackOverheadMicros)} |`,
      `| ${u.variant} | library in process (floor) | ${f(u.libraryPointsPerSecond)} | — | 0 |`,
    ]),
    '',
    'Transport overhead = server seconds per point − library seconds per point on the same batches.',
    ...r.upsert.variants.map(
      (u) =>
        `${u.variant}: msgpack/JSON throughput ${f(u.ratio, 2)}, JSON/msgpack overhead ${u.overheadRatio === null ? 'n/a (msgpack overhead within noise)' : f(u.overheadRatio, 1)}.`,
    ),
    '',
    `Worst msgpack / JSON throughput ratio = **${f(r.upsert.ratio, 2)}** (target ≥ 3).`,
    '',
  ];
  writeFileSync(join(out, 'server.md'), lines.join('\n'));
  console.log(`wrote ${join(out, 'server.md')} and server.json`);
}

await main();
