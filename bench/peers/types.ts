import type { Metric } from '../datasets/dataset.js';
import type { BenchRecord } from '../report/record.js';

/**
 * What the recall-vs-bits driver (bench/ann.ts) hands every peer system: the collection, the queries, the
 * ground truth and the search-time sweep, so that every system is measured on the same rows against the same
 * neighbours in the same run.
 */
export interface PeerContext {
  dimension: number;
  metric: Metric;
  /** Row-major train vectors (trainCount × dimension). */
  train: Float32Array;
  trainCount: number;
  /** Row-major query vectors (queryCount × dimension). */
  queries: Float32Array;
  queryCount: number;
  /** queryCount × truthK exact neighbour ids, nearest first. */
  truth: Int32Array;
  truthK: number;
  /** Results asked per query in the QPS sweep. */
  k: number;
  /** IVF probes swept for IVF peers; graph peers sweep their beam width instead. */
  nprobes: readonly number[];
  seed: number;
  /** Directory the peer may write index files to; removed by the driver afterwards. */
  workDir: string;
  progress: ProgressFactory;
  log: (line: string) => void;
}

/** A progress bar on the long phases; a no-op when the output is not a terminal. */
export interface Progress {
  increment(by?: number): void;
  stop(): void;
}

export type ProgressFactory = (label: string, total: number) => Progress;

/** A peer either ran (records) or was skipped, with the reason printed and saved beside the results. */
export type PeerOutcome = { records: BenchRecord[] } | { skipped: string };

export interface Peer {
  /** The npm package the peer needs (an optional dependency). */
  packageName: string;
  run(ctx: PeerContext): Promise<PeerOutcome>;
}
