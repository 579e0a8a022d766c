// Worker-thread side of the walk pool: holds the graph (shared memory, never copied) and answers walk
// requests with walkSegments, the same pure function the synchronous driver calls.
import { parentPort, workerData } from 'node:worker_threads';
import type { CsrGraph } from '../../src/graph/csr.js';
import { walkSegments } from '../../src/graph/walks.js';

export interface WalkJob {
  id: number;
  starts: Int32Array;
  length: number;
  seed: number;
  firstIndex: number;
}

const g = workerData.graph as CsrGraph;
parentPort!.on('message', (job: WalkJob) => {
  const out = new Int32Array(job.starts.length * (job.length + 1));
  walkSegments(g, job.starts, job.length, job.seed, out, job.firstIndex);
  parentPort!.postMessage({ id: job.id, out }, [out.buffer]);
});
