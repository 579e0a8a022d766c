import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownTable } from '../../bench/report/markdown.js';
import { recallVsBitsSpec, recallVsQpsSpec } from '../../bench/report/plots.js';
import { type BenchRecord, RECORD_FIELDS } from '../../bench/report/record.js';
import { writeResults } from '../../bench/report/write.js';
import { tempDir } from './files.js';

function record(over: Partial<BenchRecord>): BenchRecord {
  return {
    system: 'ditherdb',
    config: 'IVF-256 4-bit',
    bits: 4,
    bitsPerDimension: 4.1,
    kind: 'dithered',
    metric: 'l2',
    k: 10,
    nprobe: 8,
    rerank: 0,
    recall1: 0.9,
    recall10: 0.8,
    recall100: null,
    qps: 1000,
    ramBytesPerPoint: 420,
    ingestSeconds: 12.5,
    mse4b: 2.98,
    notes: '',
    ...over,
  };
}

const records: BenchRecord[] = [
  record({ nprobe: 8, recall10: 0.8, qps: 2000 }),
  record({ nprobe: 32, recall10: 0.9, qps: 600 }),
  record({ config: 'IVF-256 2-bit', bits: 2, bitsPerDimension: 2.1, nprobe: 32, recall10: 0.6, qps: 900 }),
  record({ kind: 'turbo', config: 'IVF-256 4-bit turbo', recall10: 0.85, qps: 700 }),
  record({
    system: 'hnswlib-node',
    config: 'M16 ef=100',
    kind: 'hnsw',
    bits: null,
    bitsPerDimension: 32,
    nprobe: null,
    rerank: null,
    recall10: 0.979,
    qps: 5000,
    mse4b: null,
    notes: 'float32 | graph',
  }),
  record({
    system: 'R&D <peer>',
    config: 'flat',
    kind: 'float32',
    bits: null,
    bitsPerDimension: 32,
    qps: null,
  }),
];

describe('plot specs', () => {
  it('recall vs bits keeps the best recall per series and bit budget', () => {
    const spec = recallVsBitsSpec(records) as unknown as {
      data: { values: { series: string; x: number; recall10: number }[] };
    };
    const dithered4 = spec.data.values.filter((p) => p.series === 'ditherdb · dithered' && p.x === 4.1);
    expect(dithered4).toHaveLength(1);
    expect(dithered4[0]!.recall10).toBe(0.9);
    expect(spec.data.values.map((p) => p.series)).toContain('hnswlib-node · hnsw');
    expect(spec.data.values).toHaveLength(5);
  });

  it('recall vs QPS has one point per record with a QPS, on a log x scale, series = system · config', () => {
    const spec = recallVsQpsSpec(records) as unknown as {
      data: { values: { series: string; x: number }[] };
      encoding: { x: { scale: { type: string } } };
    };
    expect(spec.encoding.x.scale.type).toBe('log');
    expect(spec.data.values).toHaveLength(5);
    expect(spec.data.values.filter((p) => p.series === 'ditherdb · IVF-256 4-bit').map((p) => p.x)).toEqual([
      600, 2000,
    ]);
  });

  it('returns null when no record carries the plotted fields', () => {
    expect(recallVsBitsSpec([record({ bitsPerDimension: null })])).toBeNull();
    expect(recallVsQpsSpec([record({ qps: null })])).toBeNull();
  });
});

describe('markdownTable', () => {
  it('has a header, an alignment row and one row per record, with pipes escaped and nulls as –', () => {
    const lines = markdownTable(records).split('\n');
    expect(lines).toHaveLength(2 + records.length);
    const hnsw = lines.find((l) => l.startsWith('| hnswlib-node'))!;
    expect(hnsw).toContain('float32 \\| graph');
    // Unescaped pipes delimit 17 cells: 18 separators.
    expect(hnsw.replace(/\\\|/g, '').split('|')).toHaveLength(19);
    expect(hnsw.split(' | ')[3]).toBe('–');
    expect(lines[2]).toContain('| 0.800 |');
  });
});

describe('writeResults', () => {
  it('writes JSON, Markdown and both SVG plots naming every series', async () => {
    const outDir = join(tempDir('report'), 'nested');
    const out = await writeResults({
      records,
      outDir,
      name: 'fashion-mnist',
      meta: { dataset: 'fashion-mnist-784-euclidean', queries: 1000 },
      date: new Date('2026-01-02T03:04:05Z'),
    });
    const json = JSON.parse(readFileSync(out.json, 'utf8'));
    expect(json.name).toBe('fashion-mnist');
    expect(json.date).toBe('2026-01-02T03:04:05.000Z');
    expect(json.machine.cores).toBeGreaterThan(0);
    expect(json.meta.queries).toBe(1000);
    expect(json.records).toHaveLength(records.length);
    expect(Object.keys(json.records[0])).toEqual([...RECORD_FIELDS]);
    expect(json.records[4].bits).toBeNull();

    const md = readFileSync(out.markdown, 'utf8');
    expect(
      md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| system') && !l.startsWith('| ---')),
    ).toHaveLength(records.length);
    expect(md).toContain('![recall@10 vs bits per dimension](fashion-mnist-recall-vs-bits.svg)');

    const bits = readFileSync(out.recallVsBitsSvg!, 'utf8');
    expect(bits.startsWith('<svg')).toBe(true);
    for (const s of [
      'ditherdb · dithered',
      'ditherdb · turbo',
      'hnswlib-node · hnsw',
      'R&amp;D &lt;peer&gt; · float32',
    ])
      expect(bits).toContain(s);
    expect(bits).toContain('bits per dimension (log₂ scale)');
    const qps = readFileSync(out.recallVsQpsSvg!, 'utf8');
    for (const s of ['ditherdb · IVF-256 4-bit', 'ditherdb · IVF-256 2-bit', 'hnswlib-node · M16 ef=100'])
      expect(qps).toContain(s);
    // The peer without a QPS figure has no point on the QPS plot.
    expect(qps).not.toContain('R&amp;D');
  });

  it('rejects bad names, empty input and records with impossible values', async () => {
    const outDir = tempDir('report-bad');
    await expect(writeResults({ records, outDir, name: '../x' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(writeResults({ records: [], outDir, name: 'x' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    for (const bad of [
      record({ recall10: 1.2 }),
      record({ qps: Number.NaN }),
      record({ system: '' }),
      record({ k: 0 }),
      record({ metric: 'hamming' as BenchRecord['metric'] }),
      record({ ingestSeconds: -1 }),
    ])
      await expect(writeResults({ records: [bad], outDir, name: 'x' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
  });
});
