/**
 * Signal reconstruction benchmark (`npm run bench:signals`): relative L²([0,T]) error of weighted kernel
 * ridge reconstruction against sample count, for three sampling schemes — universal (Avron et al., STOC
 * 2019), uniform-random and equispaced — on bandlimited, multiband and Gaussian-spectrum signals with noise.
 * Target (issue): for every class, universal reaches relative error 1e-2 with ≤ 2× the samples of the best
 * of the other two schemes.
 *
 * Signals: random draws from each prior, as sums of 64 tones with frequencies drawn from the normalised
 * spectral density (a random-feature approximation of the stationary Gaussian process with that spectrum),
 * Gaussian amplitudes, uniform phases. Noise: i.i.d. Gaussian, standard deviation 1e-3 × the signal's RMS.
 * Every run is seeded; correctness is checked first (noiseless 12·s universal reconstruction ≤ 1e-2).
 * Writes docs/benchmarks/signals.{json,md,svg}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { Rng } from '../src/rng.js';
import { reconstructSignal, statisticalDimension, universalSamplingTimes } from '../src/signal/index.js';

type Prior =
  | { type: 'bandlimited'; band: number }
  | { type: 'multiband'; bands: [number, number][] }
  | { type: 'gaussian'; sigma: number };
type Scheme = 'universal' | 'uniform' | 'equispaced';

interface SignalClass {
  name: string;
  prior: Prior;
  T: number;
  lambda: number;
  /** Draws one tone frequency ≥ 0 from the normalised spectral density. */
  frequency: (rng: Rng) => number;
}

const NOISE = 1e-3;
const TARGET = 1e-2;
const TONES = 64;
const REPS = 12;
const GRID_POINTS = 2000;
// q/s on a geometric grid, ratio 2^(1/4) ≈ 1.19, from 0.5 to 13.5: sample counts to target are resolved to ±19%.
const MULTIPLIERS = Array.from({ length: 20 }, (_, k) => 0.5 * 2 ** (k / 4));
const SCHEMES: Scheme[] = ['universal', 'uniform', 'equispaced'];

const CLASSES: SignalClass[] = [
  {
    name: 'bandlimited F=1, T=10',
    prior: { type: 'bandlimited', band: 1 },
    T: 10,
    lambda: 1e-6,
    frequency: (rng) => rng.next(),
  },
  {
    name: 'multiband [0.5,1]∪[2.5,3], T=10',
    prior: {
      type: 'multiband',
      bands: [
        [0.5, 1],
        [2.5, 3],
      ],
    },
    T: 10,
    lambda: 1e-6,
    frequency: (rng) => {
      const u = rng.next();
      return u < 0.5 ? 0.5 + u : 2.5 + (u - 0.5);
    },
  },
  {
    name: 'gaussian σ=0.3, T=10',
    prior: { type: 'gaussian', sigma: 0.3 },
    T: 10,
    lambda: 1e-6,
    frequency: (rng) => Math.abs(0.3 * rng.gaussian()),
  },
  {
    name: 'gaussian σ=0.05, T=10 (smooth)',
    prior: { type: 'gaussian', sigma: 0.05 },
    T: 10,
    lambda: 1e-8,
    frequency: (rng) => Math.abs(0.05 * rng.gaussian()),
  },
];

function drawSignal(cls: SignalClass, rng: Rng): (t: number) => number {
  const f = new Float64Array(TONES);
  const a = new Float64Array(TONES);
  const ph = new Float64Array(TONES);
  for (let j = 0; j < TONES; j++) {
    f[j] = cls.frequency(rng);
    a[j] = rng.gaussian();
    ph[j] = rng.next() * 2 * Math.PI;
  }
  return (t) => {
    let s = 0;
    for (let j = 0; j < TONES; j++) s += a[j]! * Math.cos(2 * Math.PI * f[j]! * t + ph[j]!);
    return s;
  };
}

function plan(scheme: Scheme, T: number, q: number, s: number, rng: Rng, seed: number) {
  if (scheme === 'universal') return universalSamplingTimes({ T, count: q, statisticalDimension: s, seed });
  if (scheme === 'uniform') {
    const times = Array.from({ length: q }, () => rng.next() * T).sort((x, y) => x - y);
    return { times };
  }
  return { times: Array.from({ length: q }, (_, i) => ((i + 0.5) * T) / q) };
}

function relativeError(
  cls: SignalClass,
  y: (t: number) => number,
  p: { times: number[]; weights?: number[] },
  rng: Rng,
) {
  const truth = p.times.map(y);
  let rms = 0;
  for (const v of truth) rms += v * v;
  rms = Math.sqrt(rms / truth.length);
  const values = truth.map((v) => v + NOISE * rms * rng.gaussian());
  const rec = reconstructSignal({
    times: p.times,
    values,
    ...(p.weights === undefined ? {} : { weights: p.weights }),
    prior: cls.prior,
    T: cls.T,
    lambda: cls.lambda,
  });
  const grid = Array.from({ length: GRID_POINTS }, (_, i) => ((i + 0.5) * cls.T) / GRID_POINTS);
  const est = rec.evaluate(grid);
  let num = 0;
  let den = 0;
  for (let i = 0; i < GRID_POINTS; i++) {
    const v = y(grid[i]!);
    num += (est[i]! - v) ** 2;
    den += v * v;
  }
  return Math.sqrt(num / den);
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

interface Row {
  signalClass: string;
  scheme: Scheme;
  samples: number;
  samplesOverS: number;
  medianError: number;
  p90Error: number;
}

async function main(): Promise<void> {
  const started = Date.now();
  const machine = `${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}`;
  const date = new Date().toISOString();
  console.log(`signals benchmark — ${date} — ${machine}`);

  const rows: Row[] = [];
  const summary: Array<Record<string, unknown>> = [];
  for (const [ci, cls] of CLASSES.entries()) {
    const s = statisticalDimension({ prior: cls.prior, T: cls.T, lambda: cls.lambda });
    // Correctness before measuring: noiseless, 12·s universal samples must reconstruct to ≤ 1e-2.
    {
      const rng = new Rng(999, ci);
      const y = drawSignal(cls, rng);
      const p = universalSamplingTimes({
        T: cls.T,
        count: Math.ceil(12 * s),
        statisticalDimension: s,
        seed: 999,
      });
      const rec = reconstructSignal({
        ...p,
        values: p.times.map(y),
        prior: cls.prior,
        T: cls.T,
        lambda: cls.lambda,
      });
      const grid = Array.from({ length: 500 }, (_, i) => ((i + 0.5) * cls.T) / 500);
      const est = rec.evaluate(grid);
      let num = 0;
      let den = 0;
      grid.forEach((t, i) => {
        num += (est[i]! - y(t)) ** 2;
        den += y(t) ** 2;
      });
      const err = Math.sqrt(num / den);
      if (!(err <= TARGET)) throw new Error(`correctness check failed for ${cls.name}: error ${err}`);
    }
    const counts = [...new Set(MULTIPLIERS.map((m) => Math.max(4, Math.ceil(m * s))))].filter(
      (q) => q <= 2000,
    );
    const reached: Record<string, number | null> = {};
    for (const scheme of SCHEMES) {
      const med: number[] = [];
      for (const q of counts) {
        const errs: number[] = [];
        for (let r = 0; r < REPS; r++) {
          const rng = new Rng(1000 * ci + r, 17 + q);
          const y = drawSignal(cls, new Rng(r, 100 + ci)); // the same signals for every scheme and count
          errs.push(relativeError(cls, y, plan(scheme, cls.T, q, s, rng, 7919 * r + q), rng));
        }
        const row: Row = {
          signalClass: cls.name,
          scheme,
          samples: q,
          samplesOverS: q / s,
          medianError: quantile(errs, 0.5),
          p90Error: quantile(errs, 0.9),
        };
        rows.push(row);
        med.push(row.medianError);
      }
      // Samples needed: the smallest count from which the median error stays ≤ 1e-2 at every larger count.
      let idx: number | null = null;
      for (let i = counts.length - 1; i >= 0 && med[i]! <= TARGET; i--) idx = i;
      reached[scheme] = idx === null ? null : counts[idx]!;
    }
    const universal = reached.universal ?? null;
    const others = [reached.uniform, reached.equispaced].filter((x): x is number => typeof x === 'number');
    const best = others.length > 0 ? Math.min(...others) : null;
    const ratio = universal !== null && best !== null ? universal / best : null;
    const meets = universal !== null && (best === null || universal <= 2 * best);
    summary.push({
      signalClass: cls.name,
      prior: cls.prior,
      T: cls.T,
      lambda: cls.lambda,
      statisticalDimension: s,
      samplesToTarget: reached,
      universalOverBestOther: ratio,
      meetsTarget: meets,
    });
    console.log(
      `${cls.name}: s=${s.toFixed(1)}; samples to median error ≤ 1e-2: universal ${reached.universal}, uniform ${reached.uniform}, equispaced ${reached.equispaced}; ratio ${ratio?.toFixed(2)} ${meets ? 'MEETS' : 'MISSES'} ≤ 2×`,
    );
  }
  const seconds = (Date.now() - started) / 1000;

  const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks');
  mkdirSync(root, { recursive: true });
  const meta = {
    date,
    machine,
    node: process.version,
    seconds,
    noise: NOISE,
    reps: REPS,
    tones: TONES,
    target: TARGET,
  };
  writeFileSync(join(root, 'signals.json'), `${JSON.stringify({ meta, summary, rows }, null, 2)}\n`);
  writeFileSync(join(root, 'signals.md'), markdown(meta, summary, rows));
  writeFileSync(join(root, 'signals.svg'), await svg(rows));
  console.log(`wrote docs/benchmarks/signals.{json,md,svg} in ${seconds.toFixed(1)} s`);
}

function markdown(
  meta: Record<string, unknown>,
  summary: Array<Record<string, unknown>>,
  rows: Row[],
): string {
  const lines: string[] = [];
  lines.push('# Signal reconstruction: error against samples');
  lines.push('');
  lines.push(
    `Generated by \`npm run bench:signals\` on ${meta.date} (${meta.machine}, Node ${meta.node}, ${Number(meta.seconds).toFixed(0)} s). ` +
      `Weighted kernel ridge reconstruction; ${meta.reps} random signals per point (sums of ${meta.tones} tones drawn from the prior's spectrum), ` +
      `noise σ = ${meta.noise} × signal RMS; relative L²([0,T]) error on a ${GRID_POINTS}-point grid. ` +
      'Samples to target = smallest count from which the median error stays ≤ 1e-2.',
  );
  lines.push('');
  lines.push('| signal class | s_λ | λ | universal | uniform | equispaced | universal / best other | ≤ 2× |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: |');
  for (const r of summary) {
    const reached = r.samplesToTarget as Record<string, number | null>;
    const ratio = r.universalOverBestOther as number | null;
    lines.push(
      `| ${r.signalClass} | ${(r.statisticalDimension as number).toFixed(1)} | ${r.lambda} | ${reached.universal ?? '—'} | ${reached.uniform ?? '—'} | ${reached.equispaced ?? '—'} | ${ratio === null ? '—' : ratio.toFixed(2)} | ${r.meetsTarget ? 'yes' : '**no**'} |`,
    );
  }
  lines.push('');
  lines.push('Median (90th percentile) relative error by sample count:');
  lines.push('');
  for (const cls of CLASSES) {
    lines.push(`### ${cls.name}`);
    lines.push('');
    lines.push('| samples | q/s | universal | uniform | equispaced |');
    lines.push('| ---: | ---: | ---: | ---: | ---: |');
    const mine = rows.filter((r) => r.signalClass === cls.name);
    const counts = [...new Set(mine.map((r) => r.samples))];
    for (const q of counts) {
      const cell = (sch: Scheme) => {
        const r = mine.find((x) => x.samples === q && x.scheme === sch)!;
        return `${r.medianError.toExponential(1)} (${r.p90Error.toExponential(1)})`;
      };
      const qs = mine.find((x) => x.samples === q)!.samplesOverS;
      lines.push(
        `| ${q} | ${qs.toFixed(2)} | ${cell('universal')} | ${cell('uniform')} | ${cell('equispaced')} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function svg(rows: Row[]): Promise<string> {
  const spec = compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: rows },
    facet: { field: 'signalClass', type: 'nominal', title: null },
    columns: 2,
    spec: {
      width: 320,
      height: 220,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'samples', type: 'quantitative', scale: { type: 'log' }, title: 'samples q' },
            y: {
              field: 'medianError',
              type: 'quantitative',
              scale: { type: 'log' },
              title: 'median relative L² error',
            },
            color: { field: 'scheme', type: 'nominal' },
          },
        },
        { mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' }, encoding: { y: { datum: TARGET } } },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  } as Parameters<typeof compile>[0]).spec;
  return new vega.View(vega.parse(spec), { renderer: 'none' }).toSVG();
}

await main();
