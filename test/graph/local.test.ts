import { describe, expect, it } from 'vitest';
import { DitherError } from '../../src/errors.js';
import { csrFromGraph } from '../../src/graph/csr.js';
import { setQuality } from '../../src/graph/cut.js';
import { localCluster, pprFromPaths } from '../../src/graph/local.js';
import { stochasticBlockModel } from '../../src/graph/sbm.js';

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DitherError) return e.code;
    throw e;
  }
  return undefined;
}

/** `clusters` planted clusters of 100 nodes: inside degree ≈ 15, outside degree ≈ 0.15 (φ ≈ 0.01) at any size. */
function planted(clusters: number, seed: number) {
  const n = 100 * clusters;
  return stochasticBlockModel({ sizes: new Array(clusters).fill(100), pIn: 0.15, pOut: 0.15 / n, seed });
}

function f1(found: number[], labels: number[], target: number): number {
  const size = labels.filter((l) => l === target).length;
  const tp = found.filter((v) => labels[v] === target).length;
  return (2 * tp) / (found.length + size);
}

describe('local clustering by stitched walks and a PageRank sweep', () => {
  it('recovers planted 1 %-size clusters (F1 ≥ 0.9) touching ≤ 10 % of the graph', () => {
    const { graph, labels } = planted(100, 1);
    const g = csrFromGraph(graph);
    for (const [seedNode, s] of [
      [5, 1],
      [4321, 2],
      [9876, 3],
    ] as const) {
      const r = localCluster(g, [seedNode], { walks: 400, walkLength: 12, alpha: 0.15, seed: s });
      expect(f1(r.nodes, labels, labels[seedNode]!)).toBeGreaterThanOrEqual(0.9);
      expect(r.touched).toBeLessThanOrEqual(0.1 * g.nodes);
      // The reported conductance is the conductance of the reported set.
      expect(r.conductance).toBeCloseTo(setQuality(g, r.nodes).conductance, 12);
      const plantedSet = labels.flatMap((l, v) => (l === labels[seedNode] ? [v] : []));
      // A sweep over noisy PageRank can miss a few members, but not land on a leaky set.
      expect(r.conductance).toBeLessThanOrEqual(2 * setQuality(g, plantedSet).conductance);
    }
  });

  it('does work proportional to the cluster, not to the graph: 4× the nodes, about the same touched', () => {
    const small = localCluster(planted(40, 4).graph, [0], { walks: 400, walkLength: 12, seed: 5 });
    const large = localCluster(planted(160, 4).graph, [0], { walks: 400, walkLength: 12, seed: 5 });
    // Outside degree is the same in both, so the walks leak equally; touched may differ by noise only.
    expect(large.touched).toBeLessThan(1.5 * small.touched);
    expect(large.touched).toBeLessThan(0.1 * 16_000);
  });

  it('uses several seeds of one cluster together', () => {
    const { graph, labels } = planted(50, 6);
    const r = localCluster(graph, [200, 210, 250], { walks: 400, walkLength: 12, seed: 7 });
    expect(f1(r.nodes, labels, 2)).toBeGreaterThanOrEqual(0.9);
  });

  it('estimates PageRank with unit mass from paths: weights α(1−α)^t and the tail at the end', () => {
    // Two walks of length 2 on nodes 0→1→2 and 0→0→1 with α = 0.5: weights 0.5, 0.25, 0.25 per walk.
    const ppr = pprFromPaths(Int32Array.from([0, 1, 2, 0, 0, 1]), 2, 0.5);
    expect(ppr.get(0)).toBeCloseTo((0.5 + 0.5 + 0.25) / 2, 15);
    expect(ppr.get(1)).toBeCloseTo((0.25 + 0.25) / 2, 15);
    expect(ppr.get(2)).toBeCloseTo(0.25 / 2, 15);
  });

  it('validates seeds, options and the graph', () => {
    const graph = { nodes: 3, edges: [[0, 1] as [number, number]] };
    expect(code(() => localCluster(graph, []))).toBe('INVALID_ARGUMENT');
    expect(code(() => localCluster(graph, [3]))).toBe('INVALID_ARGUMENT');
    expect(code(() => localCluster(graph, [0.5]))).toBe('INVALID_ARGUMENT');
    expect(code(() => localCluster(graph, 'x' as never))).toBe('INVALID_ARGUMENT');
    for (const o of [
      { alpha: 0 },
      { alpha: 1 },
      { walks: 0 },
      { walkLength: 0 },
      { walkLength: 2.5 },
      { seed: 0.1 },
    ])
      expect(code(() => localCluster(graph, [0], o))).toBe('INVALID_ARGUMENT');
    expect(code(() => localCluster({ nodes: 3, edges: [[0, 5]] }, [0]))).toBe('INVALID_GRAPH');
    expect(code(() => localCluster({ nodes: 0, edges: [] }, [0]))).toBe('INVALID_GRAPH');
  });
});
