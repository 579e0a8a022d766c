/**
 * Kernel module benchmark on Fashion-MNIST (60 000 × 784 raw pixels), `npm run bench:kernels`.
 * 1. Density, DEANN's protocol (Karppa, Aumüller, Pagh 2022): Gaussian bandwidths chosen so the median exact
 *    density of the queries is ≈ 1e-2, 1e-3, 1e-4; every method's mean relative error and query time against
 *    `exact`, measured in the same run. `ann` takes its neighbours from hnswlib-node (M 16, efConstruction 200),
 *    the search time counted in the query time.
 *    `coreset` rows: BalanceKV coresets (compression 8× and 32×) balanced under the same Gaussian kernel.
 * 2. Attention over unit-normalised images with one-hot labels as values, τ = 0.05 and 0.1: the BalanceKV
 *    coreset at compression 2×, 4×, 8× against uniform sampling with the same number of points.
 * Writes docs/benchmarks/kernels.json and docs/benchmarks/kernels.md.
 * Env: KERNELS_QUERIES (default 50), KERNELS_SEED (default 1).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import hnswlib from 'hnswlib-node';
import {
  attention,
  BalanceKVCoreset,
  type DensityOptions,
  kernelDensity,
  type NearestFn,
  type PointSet,
} from '../src/kernels/index.js';
import { Rng } from '../src/rng.js';
import { loadFashionMnist } from './datasets/idx.js';

const QUERIES = Number(process.env.KERNELS_QUERIES ?? 50);
const SEED = Number(process.env.KERNELS_SEED ?? 1);
const TARGETS = [1e-2, 1e-3, 1e-4];

const ds = loadFashionMnist();
if (ds === null) {
  console.error('Fashion-MNIST not found (apt-get install dataset-fashion-mnist, or set FASHION_MNIST_DIR)');
  process.exit(1);
}
const d = ds.dimension;
const n = ds.train.length / d;
const points: PointSet = { data: ds.train, count: n, dimension: d };
const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version };
const date = new Date().toISOString();
console.log(`kernels bench — ${date} — ${machine.cpu} × ${machine.cores}, Node ${machine.node}`);
console.log(`Fashion-MNIST: n = ${n}, d = ${d}, ${QUERIES} queries from the test split, seed ${SEED}`);

const rng = new Rng(SEED, 1);
const testCount = ds.test.length / d;
const queryRows = Array.from(rng.permutation(testCount).subarray(0, QUERIES));
const queries = queryRows.map((r) => Array.from(ds.test.subarray(r * d, (r + 1) * d)));

// Squared distances of every query to every point, once: ground truth for the bandwidth search.
const sq = new Float64Array(QUERIES * n);
for (let i = 0; i < QUERIES; i++) {
  const q = queries[i]!;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const u = q[t]! - ds.train[j * d + t]!;
      s += u * u;
    }
    sq[i * n + j] = s;
  }
}
function medianDensity(sigma: number): number {
  const f: number[] = [];
  const c = -1 / (2 * sigma * sigma);
  for (let i = 0; i < QUERIES; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(c * sq[i * n + j]!);
    f.push(s / n);
  }
  f.sort((a, b) => a - b);
  return f[Math.floor(f.length / 2)]!;
}
function bandwidthFor(target: number): number {
  let lo = 1;
  let hi = 1e5;
  for (let it = 0; it < 40; it++) {
    const mid = Math.sqrt(lo * hi);
    if (medianDensity(mid) < target) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

// hnswlib-node index over the raw pixels (L2), built once.
console.log('building hnswlib-node index (M 16, efConstruction 200)…');
const t0 = performance.now();
const index = new hnswlib.HierarchicalNSW('l2', d);
index.initIndex(n, 16, 200, SEED);
const rowBuf: number[] = new Array(d);
for (let j = 0; j < n; j++) {
  for (let t = 0; t < d; t++) rowBuf[t] = ds.train[j * d + t]!;
  index.addPoint(rowBuf, j);
}
const buildSeconds = (performance.now() - t0) / 1000;
console.log(`index built in ${buildSeconds.toFixed(1)} s`);
const qBuf: number[] = new Array(d);
function hnswNearest(ef: number): NearestFn {
  return (q, m) => {
    index.setEf(Math.max(ef, m));
    for (let t = 0; t < d; t++) qBuf[t] = q[t]!;
    return { indices: index.searchKnn(qBuf, m).neighbors };
  };
}

interface DensityRow {
  target: number;
  bandwidth: number;
  medianDensity: number;
  method: string;
  params: string;
  meanRelativeError: number;
  meanReportedRelativeError: number;
  msPerQuery: number;
  speedup: number;
  meanTouched: number;
}
const densityRows: DensityRow[] = [];

function runDensity(options: DensityOptions): {
  est: Float64Array;
  err: Float64Array;
  touched: number;
  ms: number;
} {
  const est = new Float64Array(QUERIES);
  const err = new Float64Array(QUERIES);
  let touched = 0;
  const start = performance.now();
  for (let i = 0; i < QUERIES; i++) {
    const r = kernelDensity(points, [queries[i]!], { ...options, seed: SEED * 1000 + i });
    est[i] = r.densities[0]!;
    err[i] = r.errors[0]!;
    touched += r.touched[0]!;
  }
  return { est, err, touched: touched / QUERIES, ms: (performance.now() - start) / QUERIES };
}

for (const target of TARGETS) {
  const sigma = bandwidthFor(target);
  const kernel = { type: 'gaussian' as const, bandwidth: sigma };
  const exact = runDensity({ kernel, method: 'exact' });
  // Correctness before timing: exact must equal the precomputed-distance sum.
  for (let i = 0; i < QUERIES; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(-sq[i * n + j]! / (2 * sigma * sigma));
    if (Math.abs(s / n - exact.est[i]!) > 1e-9 * (s / n) + 1e-300)
      throw new Error(`exact density disagrees at query ${i}`);
  }
  const med = [...exact.est].sort((a, b) => a - b)[Math.floor(QUERIES / 2)]!;
  console.log(
    `\nσ = ${sigma.toFixed(1)} (median density ${med.toExponential(2)}, target ${target}) exact ${exact.ms.toFixed(2)} ms/query`,
  );
  const record = (method: string, params: string, r: ReturnType<typeof runDensity>) => {
    let rel = 0;
    let rep = 0;
    let counted = 0;
    for (let i = 0; i < QUERIES; i++) {
      if (exact.est[i]! <= 0) continue;
      rel += Math.abs(r.est[i]! - exact.est[i]!) / exact.est[i]!;
      rep += r.err[i]! / exact.est[i]!;
      counted++;
    }
    const row: DensityRow = {
      target,
      bandwidth: sigma,
      medianDensity: med,
      method,
      params,
      meanRelativeError: rel / counted,
      meanReportedRelativeError: rep / counted,
      msPerQuery: r.ms,
      speedup: exact.ms / r.ms,
      meanTouched: r.touched,
    };
    densityRows.push(row);
    console.log(
      `  ${method.padEnd(9)} ${params.padEnd(28)} rel.err ${row.meanRelativeError.toFixed(4)} (reported ${row.meanReportedRelativeError.toFixed(4)})  ${r.ms.toFixed(3)} ms  ${row.speedup.toFixed(1)}×  touched ${r.touched.toFixed(0)}`,
    );
  };
  record('exact', '', exact);
  for (const samples of [1000, 5000])
    record('sampling', `samples ${samples}`, runDensity({ kernel, method: 'sampling', samples }));
  record('sampling', 'ε 0.05 (two-stage)', runDensity({ kernel, method: 'sampling', epsilon: 0.05 }));
  for (const [k, s, ef] of [
    [50, 500, 100],
    [100, 1000, 150],
    [200, 1000, 250],
    [500, 2000, 500],
  ] as const)
    record(
      'ann',
      `k ${k}, samples ${s}, ef ${ef}`,
      runDensity({ kernel, method: 'ann', nearest: hnswNearest(ef), neighbours: k, samples: s }),
    );
  record(
    'ann',
    'k 100, ε 0.05, ef 150',
    runDensity({ kernel, method: 'ann', nearest: hnswNearest(150), neighbours: 100, epsilon: 0.05 }),
  );
  // BalanceKV coresets balanced under this Gaussian kernel (build time reported, not in the query time).
  for (const compression of [8, 32]) {
    const start = performance.now();
    const coreset = new BalanceKVCoreset({
      dimension: d,
      valueDimension: 0,
      kernel,
      compression,
      bucketSize: 64,
      seed: SEED,
    });
    for (let j = 0; j < n; j++) coreset.insert(j, ds.train.subarray(j * d, (j + 1) * d), []);
    const build = (performance.now() - start) / 1000;
    record(
      'coreset',
      `${compression}×, ${coreset.size} items, build ${build.toFixed(0)} s`,
      runDensity({ kernel, method: 'coreset', coreset }),
    );
  }
}

// Attention: unit-normalised images, one-hot labels as values.
const TEMPERATURES = [0.05, 0.1];
const dv = 10;
const unit = new Float32Array(n * d);
for (let j = 0; j < n; j++) {
  let s = 0;
  for (let t = 0; t < d; t++) s += ds.train[j * d + t]! ** 2;
  const inv = 1 / Math.sqrt(s);
  for (let t = 0; t < d; t++) unit[j * d + t] = ds.train[j * d + t]! * inv;
}
const unitPoints: PointSet = { data: unit, count: n, dimension: d };
const values = new Float64Array(n * dv);
for (let j = 0; j < n; j++) values[j * dv + ds.trainLabels[j]!] = 1;
const unitQueries = queries.map((q) => {
  const s = Math.sqrt(q.reduce((a, x) => a + x * x, 0));
  return q.map((x) => x / s);
});
interface AttentionRow {
  temperature: number;
  compression: number;
  coresetSize: number;
  buildSeconds: number;
  coresetError: number;
  uniformError: number;
  ratio: number;
}
const attentionRows: AttentionRow[] = [];
for (const TAU of TEMPERATURES) {
  const exactAttention = attention(unitPoints, values, dv, unitQueries, {
    temperature: TAU,
    method: 'exact',
  }).outputs;
  const attentionError = (outs: Float64Array[]): number => {
    let e = 0;
    for (let i = 0; i < QUERIES; i++) {
      let a = 0;
      let b = 0;
      for (let t = 0; t < dv; t++) {
        a += (outs[i]![t]! - exactAttention[i]![t]!) ** 2;
        b += exactAttention[i]![t]! ** 2;
      }
      e += Math.sqrt(a / b);
    }
    return e / QUERIES;
  };
  console.log(`\nattention: τ = ${TAU}, unit-normalised keys, one-hot label values (d_v = ${dv})`);
  for (const compression of [2, 4, 8]) {
    const start = performance.now();
    const c = new BalanceKVCoreset({
      dimension: d,
      valueDimension: dv,
      temperature: TAU,
      compression,
      bucketSize: 64,
      seed: SEED,
    });
    for (let j = 0; j < n; j++)
      c.insert(j, unit.subarray(j * d, (j + 1) * d), values.subarray(j * dv, (j + 1) * dv));
    const build = (performance.now() - start) / 1000;
    const co = attentionError(
      attention(unitPoints, values, dv, unitQueries, { temperature: TAU, method: 'coreset', coreset: c })
        .outputs,
    );
    let un = 0;
    const reps = 5;
    for (let r = 0; r < reps; r++)
      un += attentionError(
        attention(unitPoints, values, dv, unitQueries, {
          temperature: TAU,
          method: 'sampling',
          samples: c.size,
          seed: SEED * 100 + r,
        }).outputs,
      );
    un /= reps;
    const row = {
      temperature: TAU,
      compression,
      coresetSize: c.size,
      buildSeconds: build,
      coresetError: co,
      uniformError: un,
      ratio: co / un,
    };
    attentionRows.push(row);
    console.log(
      `  ${compression}×: size ${c.size}, build ${build.toFixed(1)} s, coreset rel.err ${co.toFixed(4)}, uniform ${un.toFixed(4)}, ratio ${row.ratio.toFixed(3)}`,
    );
  }
}

const out = {
  date,
  machine,
  dataset: { name: 'fashion-mnist', n, dimension: d, queries: QUERIES, seed: SEED },
  hnsw: { m: 16, efConstruction: 200, buildSeconds },
  density: densityRows,
  attention: { temperatures: TEMPERATURES, valueDimension: dv, bucketSize: 64, rows: attentionRows },
};
if (!existsSync('docs/benchmarks')) mkdirSync('docs/benchmarks', { recursive: true });
writeFileSync('docs/benchmarks/kernels.json', `${JSON.stringify(out, null, 2)}\n`);
const md: string[] = [
  '# Kernel module benchmark',
  '',
  `${date} — ${machine.cpu} × ${machine.cores} cores, Node ${machine.node}. Command: \`npx tsx bench/kernels.ts\`.`,
  `Fashion-MNIST train (n = ${n}, d = ${d}, raw pixels), ${QUERIES} test-split queries, seed ${SEED}. Query times are single-threaded means; speed-ups are against \`exact\` in the same run. hnswlib-node M 16 / efConstruction 200 built in ${buildSeconds.toFixed(1)} s (not in query times; its search time is).`,
  '',
  '## Density (Gaussian kernel, DEANN protocol)',
  '',
  '| target median | σ | method | parameters | mean rel. error | mean reported SE / F | ms / query | speed-up | points touched |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...densityRows.map(
    (r) =>
      `| ${r.target} | ${r.bandwidth.toFixed(1)} | ${r.method} | ${r.params} | ${r.meanRelativeError.toFixed(4)} | ${r.meanReportedRelativeError.toFixed(4)} | ${r.msPerQuery.toFixed(3)} | ${r.speedup.toFixed(1)}× | ${r.meanTouched.toFixed(0)} |`,
  ),
  '',
  '## Attention (unit-normalised keys, one-hot labels as values, bucket size 64)',
  '',
  'Mean over queries of ‖ô − o‖₂/‖o‖₂; uniform sampling draws as many points as the coreset holds (mean of 5 seeds).',
  '',
  '| τ | compression | coreset size | build (s) | BalanceKV error | uniform error | ratio |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...attentionRows.map(
    (r) =>
      `| ${r.temperature} | ${r.compression}× | ${r.coresetSize} | ${r.buildSeconds.toFixed(1)} | ${r.coresetError.toFixed(4)} | ${r.uniformError.toFixed(4)} | ${r.ratio.toFixed(3)} |`,
  ),
  '',
];
writeFileSync('docs/benchmarks/kernels.md', md.join('\n'));
console.log('\nwrote docs/benchmarks/kernels.json and docs/benchmarks/kernels.md');
