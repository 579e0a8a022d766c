/**
 * Loads a dataset and makes sure its exact ground truth is cached, so benchmark runs start at once:
 *   npx tsx bench/datasets/prepare.ts fashion-mnist --k 100 --queries 1000
 * Prints the machine and date, checks a few queries against a full sort, and times the brute-force pass
 * (or the cache read).
 */
import { cpus } from 'node:os';
import { Command } from 'commander';
import { isMetric } from './dataset.js';
import { exactDistance } from './groundtruth.js';
import { datasetGroundTruth, groundTruthCacheDir } from './groundtruth-cache.js';
import { loadDataset } from './load.js';

const program = new Command()
  .argument('<spec>', 'fashion-mnist, a directory, or a .hdf5/.fvecs/.npy/.jsonl file')
  .option('--k <n>', 'ground-truth depth', '100')
  .option('--queries <n>', 'use only the first n test rows')
  .option('--train <n>', 'use only the first n train rows')
  .option('--metric <m>', 'l2 | cosine | dot (default: the dataset’s)')
  .option('--threads <n>', 'worker threads for the brute-force pass (default: all cores)')
  .option('--quiet', 'no progress bar')
  .parse();
const opts = program.opts<{
  k: string;
  queries?: string;
  train?: string;
  metric?: string;
  threads?: string;
  quiet?: boolean;
}>();
const spec = program.args[0]!;
if (opts.metric !== undefined && !isMetric(opts.metric))
  throw new Error(`--metric must be l2, cosine or dot`);

console.log(`machine: ${cpus()[0]?.model.trim()} × ${cpus().length} cores, node ${process.version}`);
console.log(`date: ${new Date().toISOString()}`);
let t = performance.now();
const ds = await loadDataset(spec, {
  ...(opts.queries === undefined ? {} : { maxTest: Number(opts.queries) }),
  ...(opts.train === undefined ? {} : { maxTrain: Number(opts.train) }),
  ...(opts.metric === undefined ? {} : { metric: opts.metric }),
});
const metric = ds.metric ?? 'l2';
console.log(
  `${ds.name}: ${ds.trainCount} train × ${ds.dimension}, ${ds.testCount} test, metric ${metric}` +
    `${ds.neighbors ? `, ships ${ds.neighborsK}-NN ground truth` : ''} (loaded in ${((performance.now() - t) / 1000).toFixed(1)} s)`,
);

const k = Number(opts.k);
t = performance.now();
const gt = await datasetGroundTruth(ds, k, metric, {
  quiet: opts.quiet === true,
  ...(opts.threads === undefined ? {} : { threads: Number(opts.threads) }),
});
const seconds = (performance.now() - t) / 1000;
const source = gt.shipped
  ? 'shipped with the dataset'
  : gt.fromCache
    ? `read from ${groundTruthCacheDir()}`
    : 'computed';
console.log(`ground truth k=${k}: ${source} in ${seconds.toFixed(2)} s`);
if (!gt.shipped && !gt.fromCache)
  console.log(
    `brute force: ${((ds.trainCount * ds.testCount * ds.dimension) / seconds / 1e9).toFixed(2)} G multiply-adds/s`,
  );

// Correctness: the first queries' lists must equal a full sort by exact distance (ties to the smaller index).
for (let q = 0; q < Math.min(3, ds.testCount); q++) {
  const all = Array.from({ length: ds.trainCount }, (_, i) => ({
    i,
    d: exactDistance(ds.train, ds.test, ds.dimension, metric, q, i),
  })).sort((a, b) => a.d - b.d || a.i - b.i);
  for (let r = 0; r < k; r++) {
    const want = all[r]!;
    const got = gt.neighbors[q * k + r]!;
    // Shipped ground truth may order exact ties differently; compare distances there.
    const ok = got === want.i || Math.abs(gt.distances[q * k + r]! - want.d) <= 1e-4 * Math.max(1, want.d);
    if (!ok) throw new Error(`query ${q} rank ${r}: ground truth has ${got}, a full sort gives ${want.i}`);
  }
}
console.log('check: first 3 queries agree with a full sort');
