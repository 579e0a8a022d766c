import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BenchRecord } from './record.js';

/**
 * The two plots of the recall-vs-bits benchmark, as Vega-Lite specs rendered to SVG by Vega without a browser
 * (renderer 'none', text measured by Vega's estimator).
 */
interface Point {
  series: string;
  x: number;
  recall10: number;
  label: string;
}

/**
 * (a) recall@10 against bits per dimension, one line per system · kind, from configurations that answer from
 * the compressed index alone (no rerank or refine from stored originals — with it every system reaches ≈ 1 and
 * the plot would hide the quantizer). Where several such configurations share a bit budget (nprobe sweeps),
 * the best recall is drawn: the recall each system reaches at that memory cost.
 */
export function recallVsBitsSpec(
  records: readonly BenchRecord[],
  title = 'recall@10 vs bits per dimension',
): TopLevelSpec | null {
  const best = new Map<string, Point>();
  for (const r of records) {
    if (r.bitsPerDimension === null || r.recall10 === null || r.rerank) continue;
    const series = `${r.system} · ${r.kind}`;
    const key = `${series}\u0000${r.bitsPerDimension}`;
    const prev = best.get(key);
    if (prev === undefined || r.recall10 > prev.recall10)
      best.set(key, { series, x: r.bitsPerDimension, recall10: r.recall10, label: r.config });
  }
  if (best.size === 0) return null;
  // Log base 2: quantized codes sit at 1–8 bits and float peers at 32; a linear axis would crowd the codes.
  return lineSpec([...best.values()], title, {
    title: 'bits per dimension (log₂ scale)',
    scale: { type: 'log', base: 2 },
  });
}

/**
 * (b) recall@10 against queries per second (log scale), one line per system · config, traced through the
 * search-time knobs (nprobe, rerank) in QPS order — ann-benchmarks' recall/QPS trade-off plot.
 */
export function recallVsQpsSpec(
  records: readonly BenchRecord[],
  title = 'recall@10 vs QPS',
): TopLevelSpec | null {
  const points: Point[] = [];
  for (const r of records) {
    if (r.qps === null || r.qps <= 0 || r.recall10 === null) continue;
    const knobs = [
      r.nprobe === null ? '' : `nprobe=${r.nprobe}`,
      r.rerank === null ? '' : `rerank=${r.rerank}`,
    ];
    points.push({
      series: `${r.system} · ${r.config}`,
      x: r.qps,
      recall10: r.recall10,
      label: knobs.filter((s) => s !== '').join(' '),
    });
  }
  if (points.length === 0) return null;
  return lineSpec(points, title, { title: 'queries per second (log scale)', scale: { type: 'log' } });
}

function lineSpec(
  points: Point[],
  title: string,
  x: { title: string; scale: { type: 'log'; base?: number } },
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 520,
    height: 340,
    background: 'white',
    data: { values: points.sort((a, b) => a.x - b.x) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: x.title, scale: x.scale },
      y: { field: 'recall10', type: 'quantitative', title: 'recall@10', scale: { zero: false } },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        legend: { orient: 'bottom', columns: 2, labelLimit: 400 },
      },
      order: { field: 'x', type: 'quantitative' },
      tooltip: [
        { field: 'series', type: 'nominal' },
        { field: 'label', type: 'nominal' },
        { field: 'x', type: 'quantitative' },
        { field: 'recall10', type: 'quantitative' },
      ],
    },
  };
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
