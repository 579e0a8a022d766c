import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertArg } from '../../src/errors.js';
import { markdownReport } from './markdown.js';
import { recallVsBitsSpec, recallVsQpsSpec, renderSvg } from './plots.js';
import { type BenchRecord, type MachineInfo, machineInfo, RECORD_FIELDS, validateRecord } from './record.js';

export interface WriteResultsOptions {
  records: readonly BenchRecord[];
  outDir: string;
  /** File stem: letters, digits, '.', '_' and '-' only (it names four files). */
  name: string;
  /** Free-form context saved in the JSON (dataset, query count, seed, ...). */
  meta?: Record<string, unknown>;
  /** Defaults to now; fixed in tests. */
  date?: Date;
  /** Defaults to this machine. */
  machine?: MachineInfo;
}

export interface WrittenResults {
  json: string;
  markdown: string;
  /** Absent when no record has the fields the plot needs. */
  recallVsBitsSvg?: string;
  recallVsQpsSvg?: string;
}

/**
 * Writes `<name>.json` ({ name, date, machine, meta, records }), `<name>.md` (a table with one row per record
 * and the plots embedded) and the SVG plots `<name>-recall-vs-bits.svg` and `<name>-recall-vs-qps.svg`.
 */
export async function writeResults(options: WriteResultsOptions): Promise<WrittenResults> {
  const { records, outDir, name } = options;
  assertArg(/^[A-Za-z0-9._-]+$/.test(name), 'INVALID_ARGUMENT', `name "${name}" must be [A-Za-z0-9._-]+`);
  assertArg(Array.isArray(records) && records.length > 0, 'INVALID_ARGUMENT', 'no records to write');
  records.forEach(validateRecord);
  const date = (options.date ?? new Date()).toISOString();
  const machine = options.machine ?? machineInfo();
  mkdirSync(outDir, { recursive: true });

  // Fixed key order, so that result files diff cleanly between runs.
  const ordered = records.map((r) => Object.fromEntries(RECORD_FIELDS.map((f) => [f, r[f]])));
  const json = join(outDir, `${name}.json`);
  writeFileSync(
    json,
    `${JSON.stringify({ name, date, machine, meta: options.meta ?? {}, records: ordered }, null, 2)}\n`,
  );

  const written: WrittenResults = { json, markdown: join(outDir, `${name}.md`) };
  const plots: { title: string; file: string }[] = [];
  const bitsSpec = recallVsBitsSpec(records);
  if (bitsSpec !== null) {
    const file = `${name}-recall-vs-bits.svg`;
    written.recallVsBitsSvg = join(outDir, file);
    writeFileSync(written.recallVsBitsSvg, await renderSvg(bitsSpec));
    plots.push({ title: 'recall@10 vs bits per dimension', file });
  }
  const qpsSpec = recallVsQpsSpec(records);
  if (qpsSpec !== null) {
    const file = `${name}-recall-vs-qps.svg`;
    written.recallVsQpsSvg = join(outDir, file);
    writeFileSync(written.recallVsQpsSvg, await renderSvg(qpsSpec));
    plots.push({ title: 'recall@10 vs QPS', file });
  }
  writeFileSync(written.markdown, markdownReport(name, records, machine, date, plots));
  return written;
}
