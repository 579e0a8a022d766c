import { cpus, platform, release, totalmem } from 'node:os';
import { DitherError } from '../../src/errors.js';
import { isMetric, type Metric } from '../datasets/dataset.js';

/**
 * One benchmarked configuration: one system (ditherdb or a peer) with one index/quantizer setting and one
 * search-time setting, measured on one dataset. `null` marks a field that does not apply (no nprobe for a
 * graph index, no bits for float32) or was not measured — never 0, which would plot as a real value.
 */
export interface BenchRecord {
  /** 'ditherdb', 'hnswlib-node', 'lancedb', ... */
  system: string;
  /** The index/quantizer setting, e.g. 'IVF-256 4-bit blocked'. Leave search knobs (nprobe, rerank) out:
   * records sharing system + config are drawn as one line through those knobs in the QPS plot. */
  config: string;
  /** Bits per stored coordinate (b of the quantizer); null for float or graph-only peers. */
  bits: number | null;
  /** Memory of a code per original dimension: all code bits of a point (padding, norm, dither, list id
   * included) divided by the dataset's dimension; 32 for float32. */
  bitsPerDimension: number | null;
  /** Quantizer or index kind: 'dithered', 'turbo', 'lloyd-max', 'float32', 'hnsw', 'ivf-rq', ... */
  kind: string;
  metric: Metric;
  /** Results asked per query. */
  k: number;
  nprobe: number | null;
  /** Candidates re-scored with exact distances; 0 = none, null = not applicable. */
  rerank: number | null;
  recall1: number | null;
  recall10: number | null;
  recall100: number | null;
  /** Queries per second, single client. */
  qps: number | null;
  ramBytesPerPoint: number | null;
  ingestSeconds: number | null;
  /** Quantizer MSE·4^b on the data (the paper's normalised error; π√3/2 ≈ 2.72 for dithered TurboQuant). */
  mse4b: number | null;
  notes: string;
}

export const RECORD_FIELDS = [
  'system',
  'config',
  'bits',
  'bitsPerDimension',
  'kind',
  'metric',
  'k',
  'nprobe',
  'rerank',
  'recall1',
  'recall10',
  'recall100',
  'qps',
  'ramBytesPerPoint',
  'ingestSeconds',
  'mse4b',
  'notes',
] as const satisfies readonly (keyof BenchRecord)[];

const NON_NEGATIVE = [
  'bits',
  'bitsPerDimension',
  'nprobe',
  'rerank',
  'qps',
  'ramBytesPerPoint',
  'ingestSeconds',
  'mse4b',
] as const;
const RECALLS = ['recall1', 'recall10', 'recall100'] as const;

/** Throws VALIDATION_FAILED naming the record and field, so a driver bug never reaches a published table. */
export function validateRecord(r: BenchRecord, index: number): void {
  const fail = (msg: string): never => {
    throw new DitherError(
      'VALIDATION_FAILED',
      `record ${index} (${String(r.system)} ${String(r.config)}): ${msg}`,
    );
  };
  for (const f of ['system', 'config', 'kind'] as const)
    if (typeof r[f] !== 'string' || r[f].trim() === '') fail(`${f} must be a non-empty string`);
  if (typeof r.notes !== 'string') fail('notes must be a string');
  if (!isMetric(r.metric)) fail(`metric ${String(r.metric)} is not l2, cosine or dot`);
  if (!Number.isSafeInteger(r.k) || r.k < 1) fail('k must be a positive integer');
  for (const f of NON_NEGATIVE) {
    const v = r[f];
    if (v !== null && !(typeof v === 'number' && Number.isFinite(v) && v >= 0))
      fail(`${f} must be null or a finite number >= 0, not ${String(v)}`);
  }
  for (const f of RECALLS) {
    const v = r[f];
    if (v !== null && !(typeof v === 'number' && v >= 0 && v <= 1))
      fail(`${f} must be null or in [0, 1], not ${String(v)}`);
  }
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  platform: string;
  release: string;
  node: string;
  totalMemoryBytes: number;
}

/** What every benchmark prints beside its numbers: results from different machines are not comparable. */
export function machineInfo(): MachineInfo {
  const all = cpus();
  return {
    cpu: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    platform: platform(),
    release: release(),
    node: process.version,
    totalMemoryBytes: totalmem(),
  };
}
