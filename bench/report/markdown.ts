import type { BenchRecord, MachineInfo } from './record.js';

/** One row per record, columns in `BenchRecord` order; `–` where a field is null. */
export function markdownTable(records: readonly BenchRecord[]): string {
  const header = [
    'system',
    'config',
    'kind',
    'bits',
    'bits/dim',
    'metric',
    'k',
    'nprobe',
    'rerank',
    'recall@1',
    'recall@10',
    'recall@100',
    'QPS',
    'RAM B/point',
    'ingest s',
    'MSE·4^b',
    'notes',
  ];
  const rows = records.map((r) => [
    text(r.system),
    text(r.config),
    text(r.kind),
    num(r.bits, 2),
    num(r.bitsPerDimension, 2),
    r.metric,
    String(r.k),
    num(r.nprobe, 0),
    num(r.rerank, 0),
    num(r.recall1, 3),
    num(r.recall10, 3),
    num(r.recall100, 3),
    num(r.qps, r.qps !== null && r.qps < 100 ? 1 : 0),
    num(r.ramBytesPerPoint, 0),
    num(r.ingestSeconds, 1),
    num(r.mse4b, 2),
    text(r.notes),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const align = header.map((_, i) => (i < 3 || i === 5 || i === header.length - 1 ? '---' : '---:'));
  return [line(header), line(align), ...rows.map(line)].join('\n');
}

export function markdownReport(
  name: string,
  records: readonly BenchRecord[],
  machine: MachineInfo,
  date: string,
  plots: readonly { title: string; file: string }[],
): string {
  const parts = [
    `# ${text(name)}`,
    '',
    `${date} · ${machine.cpu} · ${machine.cores} cores · ${machine.platform} ${machine.release} · Node ${machine.node}`,
    '',
    markdownTable(records),
    '',
  ];
  for (const p of plots) parts.push(`![${p.title}](${p.file})`, '');
  return parts.join('\n');
}

/** Pipes would split a cell and newlines end the row. */
function text(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function num(v: number | null, digits: number): string {
  return v === null ? '–' : v.toFixed(digits);
}
