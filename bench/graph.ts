/**
 * Graph analytics benchmark (`npm run bench:graph`).
 *  1. Spectral bisection of a two-community SBM under the semirandom adversary of Bhaskara et al. (2024)
 *     that plants a clique on a growing fraction of one community: agreement with the planted partition
 *     for the unnormalized, symmetric and random-walk Laplacians (sign cut and sweep cut).
 *  2. Local clustering (stitched walks, Kapralov et al. 2021) of planted 1 %-size clusters: F1, conductance,
 *     nodes touched; stitched vs sequential walks and worker threads vs one thread, in the same run.
 *  3. Local clustering on the Fashion-MNIST kNN graph (HNSW neighbours, k = 10) against global spectral
 *     partitioning: conductance, label purity, nodes touched.
 * Writes docs/benchmarks/graph-sbm.{svg,json,md}. Environment: GRAPH_BENCH_FASHION_N (default 20000),
 * GRAPH_BENCH_TRIALS (default 2).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import hnswlib from 'hnswlib-node';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { localClusterParallel, WalkWorkerPool } from '../index/graph/walk-pool.js';
import { csrFromGraph } from '../src/graph/csr.js';
import { partitionQuality, setQuality } from '../src/graph/cut.js';
import { knnGraphFromNeighbors } from '../src/graph/knn.js';
import type { LaplacianKind } from '../src/graph/laplacian.js';
import { localCluster, pprFromPaths, pprSweep } from '../src/graph/local.js';
import { agreement, stochasticBlockModel } from '../src/graph/sbm.js';
import { spectralBisection, spectralPartition } from '../src/graph/spectral.js';
import { sequentialWalkPaths } from '../src/graph/walks.js';
import { Rng } from '../src/rng.js';
import { loadFashionMnist } from './datasets/idx.js';

const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length} cores, ${platform()} ${release()}, Node ${process.version}`;
const date = new Date().toISOString();
const trials = Number(process.env.GRAPH_BENCH_TRIALS ?? 2);
const fashionN = Number(process.env.GRAPH_BENCH_FASHION_N ?? 20_000);
const out = 'docs/benchmarks';
mkdirSync(out, { recursive: true });
console.log(`graph benchmark — ${date}\n${machine}\n`);

const ms = (t0: number) => performance.now() - t0;
const fmt = (x: number, d = 3) => x.toFixed(d);

// ---------------------------------------------------------------- 1. SBM under the clique adversary
const sbmN = 2000;
const logn = Math.log(sbmN);
const pIn = (8 * logn) / sbmN;
const pOut = logn / sbmN;
const strengths = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const kinds: LaplacianKind[] = ['unnormalized', 'symmetric', 'random_walk'];
interface SbmRow {
  strength: number;
  laplacian: LaplacianKind;
  cut: 'sign' | 'sweep';
  meanAgreement: number;
  minAgreement: number;
  meanMs: number;
  matvecs: number;
  converged: boolean;
}
const sbmRows: SbmRow[] = [];
console.log(
  `1. SBM n = ${sbmN}, p = 8 ln n/n = ${fmt(pIn, 4)}, q = ln n/n = ${fmt(pOut, 4)}, ${trials} trials;`,
);
console.log('   adversary: clique on a fraction (the strength) of community 0\n');
for (const strength of strengths) {
  const acc = new Map<string, { sum: number; min: number; t: number; mv: number; conv: boolean }>();
  for (let trial = 0; trial < trials; trial++) {
    const { graph, labels } = stochasticBlockModel({
      sizes: [sbmN / 2, sbmN / 2],
      pIn,
      pOut,
      seed: 100 + trial,
      adversaries:
        strength > 0 ? [{ kind: 'dense-subset', community: 0, fraction: strength, density: 1 }] : [],
    });
    const g = csrFromGraph(graph);
    for (const laplacian of kinds)
      for (const cut of ['sign', 'sweep'] as const) {
        const t0 = performance.now();
        const b = spectralBisection(g, { laplacian, cut, seed: trial });
        const t = ms(t0);
        const a = agreement(Array.from(b.side), labels);
        const key = `${laplacian}/${cut}`;
        const prev = acc.get(key) ?? { sum: 0, min: 1, t: 0, mv: 0, conv: true };
        acc.set(key, {
          sum: prev.sum + a,
          min: Math.min(prev.min, a),
          t: prev.t + t,
          mv: prev.mv + b.matvecs,
          conv: prev.conv && b.converged,
        });
      }
  }
  const line: string[] = [];
  for (const [key, v] of acc) {
    const [laplacian, cut] = key.split('/') as [LaplacianKind, 'sign' | 'sweep'];
    sbmRows.push({
      strength,
      laplacian,
      cut,
      meanAgreement: v.sum / trials,
      minAgreement: v.min,
      meanMs: v.t / trials,
      matvecs: Math.round(v.mv / trials),
      converged: v.conv,
    });
    if (cut === 'sign') line.push(`${laplacian} ${fmt(v.sum / trials)} (min ${fmt(v.min)})`);
  }
  console.log(`   strength ${fmt(strength, 1)}: ${line.join(', ')}`);
}
const signRows = sbmRows.filter((r) => r.cut === 'sign');
const unnormalizedPerfect = signRows
  .filter((r) => r.laplacian === 'unnormalized')
  .every((r) => r.minAgreement === 1);
const symmetricWorst = Math.min(
  ...signRows.filter((r) => r.laplacian === 'symmetric').map((r) => r.meanAgreement),
);
console.log(
  `   target: unnormalized agreement 1.0 at every strength: ${unnormalizedPerfect ? 'met' : 'NOT met'}; ` +
    `symmetric normalized worst mean agreement ${fmt(symmetricWorst)} (${symmetricWorst < 0.9 ? 'below' : 'NOT below'} 0.9)\n`,
);

const spec: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  title: {
    text: 'Spectral bisection under a semirandom adversary (clique on part of one community)',
    subtitle: `SBM n=${sbmN}, p=8 ln n/n, q=ln n/n, mean of ${trials} trials, sign cut — ${date.slice(0, 10)}`,
  },
  width: 520,
  height: 300,
  data: { values: signRows.map((r) => ({ ...r, agreement: r.meanAgreement })) },
  mark: { type: 'line', point: true },
  encoding: {
    x: {
      field: 'strength',
      type: 'quantitative',
      title: 'adversary strength (fraction of community 0 in the clique)',
    },
    y: {
      field: 'agreement',
      type: 'quantitative',
      title: 'agreement with the planted bisection',
      scale: { domain: [0.5, 1] },
    },
    color: { field: 'laplacian', type: 'nominal', title: 'Laplacian' },
    strokeDash: { field: 'laplacian', type: 'nominal' },
  },
};
const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
writeFileSync(`${out}/graph-sbm.svg`, await view.toSVG());
view.finalize();

// ---------------------------------------------------------------- 2. planted 1 % clusters
const clusters = 100;
const clusterSize = 200;
const plantedN = clusters * clusterSize;
const planted = stochasticBlockModel({
  sizes: new Array(clusters).fill(clusterSize),
  pIn: 0.1,
  pOut: 0.2 / plantedN,
  seed: 7,
});
const pg = csrFromGraph(planted.graph);
console.log(
  `2. local clustering, ${clusters} planted clusters of ${clusterSize} (1 %) in n = ${plantedN}; ` +
    'inside degree ≈ 20, outside ≈ 0.2',
);
const seedRng = new Rng(99);
const seedNodes = Array.from({ length: 10 }, () => seedRng.int(plantedN));
interface LocalRow {
  config: string;
  seed: number;
  size: number;
  f1: number;
  conductance: number;
  plantedConductance: number;
  touched: number;
  touchedFraction: number;
  stitchedMs: number;
  sequentialMs: number;
  parallelMs: number;
  rounds: number;
  stepsGenerated: number;
  stepsUsed: number;
  topUpSteps: number;
}
const localRows: LocalRow[] = [];
const pool = new WalkWorkerPool(pg, 2);
await localClusterParallel(pool, [0], { walks: 50 }); // warm the workers up before timing
const localConfigs = [
  { walks: 600, walkLength: 12, alpha: 0.15 },
  { walks: 1000, walkLength: 16, alpha: 0.15 },
];
const targetConfig = `${localConfigs[0]!.walks} walks, ℓ ${localConfigs[0]!.walkLength}`;
for (const localOptions of localConfigs) {
  const config = `${localOptions.walks} walks, ℓ ${localOptions.walkLength}`;
  console.log(`   ${config}, α ${localOptions.alpha}:`);
  for (const [i, s] of seedNodes.entries()) {
    const target = planted.labels[s]!;
    const members = planted.labels.flatMap((l, v) => (l === target ? [v] : []));
    let t0 = performance.now();
    const r = localCluster(pg, [s], { ...localOptions, seed: i });
    const stitchedMs = ms(t0);
    t0 = performance.now();
    const p = await localClusterParallel(pool, [s], { ...localOptions, seed: i });
    const parallelMs = ms(t0);
    if (p.nodes.join() !== r.nodes.join())
      throw new Error('worker-thread walks differ from the synchronous ones');
    // Baseline: the same number of walks drawn one step after another, then the same PPR sweep.
    t0 = performance.now();
    const seq = pprSweep(
      pg,
      pprFromPaths(
        sequentialWalkPaths(pg, Int32Array.from([s]), localOptions.walks, localOptions.walkLength, i),
        localOptions.walkLength,
        localOptions.alpha,
      ),
    );
    const sequentialMs = ms(t0);
    const tp = r.nodes.filter((v) => planted.labels[v] === target).length;
    const f1 = (2 * tp) / (r.nodes.length + members.length);
    const seqTp = seq.nodes.filter((v) => planted.labels[v] === target).length;
    if ((2 * seqTp) / (seq.nodes.length + members.length) < 0.5)
      console.log('   (sequential baseline F1 < 0.5)');
    localRows.push({
      config,
      seed: s,
      size: r.nodes.length,
      f1,
      conductance: r.conductance,
      plantedConductance: setQuality(pg, members).conductance,
      touched: r.touched,
      touchedFraction: r.touched / plantedN,
      stitchedMs,
      sequentialMs,
      parallelMs,
      rounds: r.walkStats.rounds,
      stepsGenerated: r.walkStats.stepsGenerated,
      stepsUsed: r.walkStats.stepsUsed,
      topUpSteps: r.walkStats.topUpSteps,
    });
    console.log(
      `   seed ${s}: |S| ${r.nodes.length}, F1 ${fmt(f1)}, φ ${fmt(r.conductance, 4)} (planted ${fmt(
        localRows.at(-1)!.plantedConductance,
        4,
      )}), touched ${r.touched} (${fmt((100 * r.touched) / plantedN, 1)} %), ${fmt(stitchedMs, 0)} ms ` +
        `(2 threads ${fmt(parallelMs, 0)} ms, sequential walks ${fmt(sequentialMs, 0)} ms)`,
    );
  }
}
const targetRows = localRows.filter((r) => r.config === targetConfig);
const minF1 = Math.min(...targetRows.map((r) => r.f1));
const maxTouched = Math.max(...targetRows.map((r) => r.touchedFraction));
console.log(
  `   target (${targetConfig}): touched ≤ 10 % with F1 ≥ 0.9: ${minF1 >= 0.9 && maxTouched <= 0.1 ? 'met' : 'NOT met'} ` +
    `(min F1 ${fmt(minF1)}, max touched ${fmt(100 * maxTouched, 1)} %)\n`,
);

// ---------------------------------------------------------------- 3. Fashion-MNIST kNN graph
interface FashionRow {
  method: string;
  seed: number;
  size: number;
  conductance: number;
  purity: number;
  touched: number;
  ms: number;
}
const fashionRows: FashionRow[] = [];
let fashionNote = '';
const fm = loadFashionMnist();
if (fm === null) {
  fashionNote =
    'Fashion-MNIST not found (install the Debian package dataset-fashion-mnist); section skipped.';
  console.log(`3. ${fashionNote}`);
} else {
  const n = Math.min(fashionN, 60_000);
  const d = fm.dimension;
  const k = 10;
  let t0 = performance.now();
  const index = new hnswlib.HierarchicalNSW('l2', d);
  index.initIndex(n, 16, 200, 1);
  const row = (i: number) => Array.from(fm.train.subarray(i * d, (i + 1) * d));
  for (let i = 0; i < n; i++) index.addPoint(row(i), i);
  index.setEf(64);
  const neighbors: number[][] = [];
  const distances: number[][] = [];
  for (let i = 0; i < n; i++) {
    const res = index.searchKnn(row(i), k + 1);
    neighbors.push(res.neighbors);
    distances.push(res.distances.map(Math.sqrt)); // hnswlib's l2 space returns squared distances
  }
  const buildMs = ms(t0);
  const { graph: fg } = knnGraphFromNeighbors({ neighbors, distances }, { k, symmetrize: 'union' });
  const labels = fm.trainLabels.subarray(0, n);
  console.log(
    `3. Fashion-MNIST: first ${n} training images, kNN graph k = ${k} (union) from hnswlib-node M16 ef64 ` +
      `in ${fmt(buildMs / 1000, 1)} s: ${fg.targets.length / 2} edges`,
  );
  const purityOf = (nodes: ArrayLike<number>, label: number) => {
    let c = 0;
    for (let i = 0; i < nodes.length; i++) if (labels[nodes[i]!] === label) c++;
    return nodes.length ? c / nodes.length : 0;
  };
  const fr = new Rng(5);
  const fseeds = Array.from({ length: 10 }, () => fr.int(n));
  for (const [i, s] of fseeds.entries()) {
    t0 = performance.now();
    const r = localCluster(fg, [s], { walks: 2000, walkLength: 16, alpha: 0.15, seed: i });
    fashionRows.push({
      method: 'local (stitched walks + PPR sweep)',
      seed: s,
      size: r.nodes.length,
      conductance: r.conductance,
      purity: purityOf(r.nodes, labels[s]!),
      touched: r.touched,
      ms: ms(t0),
    });
  }
  for (const laplacian of ['unnormalized', 'symmetric'] as const) {
    t0 = performance.now();
    const parts = spectralPartition(fg, { laplacian, parts: 10, seed: 1 });
    const t = ms(t0);
    const q = partitionQuality(fg, parts);
    const members: number[][] = Array.from({ length: 10 }, () => []);
    for (const [v, p] of parts.entries()) members[p]!.push(v);
    for (const s of fseeds) {
      const part = members[parts[s]!]!;
      fashionRows.push({
        method: `global spectral, ${laplacian}, 10 parts`,
        seed: s,
        size: part.length,
        conductance: q.partConductance[parts[s]!]!,
        purity: purityOf(part, labels[s]!),
        touched: n,
        ms: t,
      });
    }
  }
  const summary = new Map<string, FashionRow[]>();
  for (const r of fashionRows) summary.set(r.method, [...(summary.get(r.method) ?? []), r]);
  for (const [method, rows] of summary) {
    const mean = (f: (r: FashionRow) => number) => rows.reduce((a, r) => a + f(r), 0) / rows.length;
    console.log(
      `   ${method}: mean |S| ${fmt(
        mean((r) => r.size),
        0,
      )}, φ ${fmt(
        mean((r) => r.conductance),
        4,
      )}, ` +
        `purity ${fmt(mean((r) => r.purity))}, touched ${fmt(
          mean((r) => r.touched),
          0,
        )}, ${fmt(
          mean((r) => r.ms),
          0,
        )} ms`,
    );
  }
}
await pool.close();

// ---------------------------------------------------------------- report
const sbmTable = [
  '| strength | unnormalized | symmetric | random walk | unnormalized (sweep) | symmetric (sweep) | random walk (sweep) |',
  '|---:|---:|---:|---:|---:|---:|---:|',
  ...strengths.map((s) => {
    const cell = (l: LaplacianKind, c: 'sign' | 'sweep') => {
      const r = sbmRows.find((x) => x.strength === s && x.laplacian === l && x.cut === c)!;
      return `${fmt(r.meanAgreement)} (min ${fmt(r.minAgreement)})`;
    };
    return `| ${fmt(s, 1)} | ${kinds.map((l) => cell(l, 'sign')).join(' | ')} | ${kinds.map((l) => cell(l, 'sweep')).join(' | ')} |`;
  }),
];
const localTable = [
  '| config | seed | size | F1 | φ (found) | φ (planted) | touched | touched % | rounds | steps drawn / used | top-up steps | 1 thread ms | 2 threads ms | sequential walks ms |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...localRows.map(
    (r) =>
      `| ${r.config} | ${r.seed} | ${r.size} | ${fmt(r.f1)} | ${fmt(r.conductance, 4)} | ${fmt(r.plantedConductance, 4)} | ${r.touched} | ${fmt(100 * r.touchedFraction, 1)} | ${r.rounds} | ${r.stepsGenerated} / ${r.stepsUsed} | ${r.topUpSteps} | ${fmt(r.stitchedMs, 0)} | ${fmt(r.parallelMs, 0)} | ${fmt(r.sequentialMs, 0)} |`,
  ),
];
const fashionSummary = [...new Set(fashionRows.map((r) => r.method))].map((method) => {
  const rows = fashionRows.filter((r) => r.method === method);
  const mean = (f: (r: FashionRow) => number) => rows.reduce((a, r) => a + f(r), 0) / rows.length;
  return `| ${method} | ${fmt(
    mean((r) => r.size),
    0,
  )} | ${fmt(
    mean((r) => r.conductance),
    4,
  )} | ${fmt(mean((r) => r.purity))} | ${fmt(
    mean((r) => r.touched),
    0,
  )} | ${fmt(
    mean((r) => r.ms),
    0,
  )} |`;
});
const fashionTable = fashionNote
  ? [fashionNote]
  : [
      'Means over the 10 seeds (a global partition is computed once; its time is per partition):',
      '',
      '| method | mean size | mean φ | mean label purity | mean touched | ms |',
      '|---|---:|---:|---:|---:|---:|',
      ...fashionSummary,
      '',
      'Per seed:',
      '',
      '| method | seed | size | φ | label purity | touched | ms |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...fashionRows.map(
        (r) =>
          `| ${r.method} | ${r.seed} | ${r.size} | ${fmt(r.conductance, 4)} | ${fmt(r.purity)} | ${r.touched} | ${fmt(r.ms, 0)} |`,
      ),
    ];
const md = [
  '# Graph analytics benchmark',
  '',
  `Run ${date} on ${machine} (\`npm run bench:graph\`, program bench/graph.ts).`,
  '',
  '## Spectral bisection under a semirandom adversary',
  '',
  `Two communities of ${sbmN / 2}, p = 8 ln n / n, q = ln n / n; the adversary adds a clique on a fraction`,
  '(the strength) of community 0 — only edges inside a community, a "helpful" change (Bhaskara et al. 2024).',
  `Agreement with the planted bisection, mean and minimum of ${trials} graphs. Sign cut is the analysed algorithm;`,
  'the sweep cut minimises ratio cut (unnormalized) or conductance (normalized) over the sorted Fiedler vector.',
  '',
  '![agreement vs adversary strength](graph-sbm.svg)',
  '',
  ...sbmTable,
  '',
  `Target — unnormalized 1.0 at every strength: **${unnormalizedPerfect ? 'met' : 'not met'}**; symmetric normalized below 0.9: **${symmetricWorst < 0.9 ? `met (worst mean ${fmt(symmetricWorst)})` : 'not met'}**.`,
  '',
  '## Local clustering of planted 1 % clusters',
  '',
  `${clusters} clusters of ${clusterSize} in n = ${plantedN} (inside degree ≈ 20, outside ≈ 0.2), α = 0.15, two`,
  'configurations; walks are stitched in ⌊log₂ ℓ⌋ + 2 rounds per cycle. "touched": distinct',
  'nodes any drawn step (used or wasted) visited. Timings: the same walks on one thread, on two worker threads,',
  'and the sequential-walk baseline with the same PPR sweep, all in this run on a shared machine.',
  '',
  ...localTable,
  '',
  `Target (${targetConfig}) — touched ≤ 10 % with F1 ≥ 0.9: **${minF1 >= 0.9 && maxTouched <= 0.1 ? 'met' : 'not met'}** (min F1 ${fmt(minF1)}, max touched ${fmt(100 * maxTouched, 1)} %).`,
  '',
  '## Fashion-MNIST kNN graph: local vs global',
  '',
  fashionNote ||
    `First ${Math.min(fashionN, 60_000)} training images (a subset, as allowed), kNN graph k = 10 (union, unweighted) from hnswlib-node.` +
      ' Local: 2000 stitched walks of length 16 from one seed, α = 0.15. Global: recursive spectral bisection into 10 parts; the' +
      " row reports the part holding the seed. Purity: fraction of the set with the seed's label.",
  '',
  ...fashionTable,
  '',
];
writeFileSync(`${out}/graph-sbm.md`, md.join('\n'));
writeFileSync(
  `${out}/graph-sbm.json`,
  JSON.stringify(
    { date, machine, sbm: sbmRows, local: localRows, fashion: fashionRows, fashionNote },
    null,
    1,
  ),
);
console.log(`wrote ${out}/graph-sbm.svg, .json, .md`);
