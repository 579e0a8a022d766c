import { describe, expect, it } from 'vitest';
import {
  localClusterParallel,
  runStitchedWalksParallel,
  WalkWorkerPool,
} from '../../index/graph/walk-pool.js';
import { csrFromGraph } from '../../src/graph/csr.js';
import { localCluster } from '../../src/graph/local.js';
import { stochasticBlockModel } from '../../src/graph/sbm.js';
import { runStitchedWalks } from '../../src/graph/stitch.js';

describe('walks on worker threads', () => {
  it('gives exactly the walks and the cluster of the synchronous driver', async () => {
    const { graph } = stochasticBlockModel({
      sizes: new Array(20).fill(100),
      pIn: 0.15,
      pOut: 0.0002,
      seed: 3,
    });
    const g = csrFromGraph(graph);
    const pool = new WalkWorkerPool(g, 2);
    try {
      expect(pool.threads).toBe(2);
      const options = { walkLength: 16, walks: 4000, seed: 11 };
      const seeds = Int32Array.from([7, 1500]);
      const parallel = await runStitchedWalksParallel(pool, seeds, options);
      const sync = runStitchedWalks(g, seeds, options);
      // Large enough that some requests were sharded over both threads.
      expect(sync.stats.stepsGenerated).toBeGreaterThan(40_000);
      expect(parallel.stats).toEqual(sync.stats);
      expect(Buffer.from(parallel.paths.buffer).equals(Buffer.from(sync.paths.buffer))).toBe(true);
      const a = await localClusterParallel(pool, [7], { walks: 1000, seed: 2 });
      const b = localCluster(g, [7], { walks: 1000, seed: 2 });
      expect(a.nodes).toEqual(b.nodes);
      expect(a.conductance).toBe(b.conductance);
      expect(a.touched).toBe(b.touched);
    } finally {
      await pool.close();
    }
  });
});
