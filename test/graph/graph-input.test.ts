import { describe, expect, it } from 'vitest';
import { DitherError } from '../../src/errors.js';
import { csrFromGraph, inducedSubgraph } from '../../src/graph/csr.js';
import { partitionQuality, setQuality } from '../../src/graph/cut.js';
import { knnGraphFromNeighbors } from '../../src/graph/knn.js';
import { spectralPartition } from '../../src/graph/spectral.js';

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DitherError) return e.code;
    throw e;
  }
  return undefined;
}

describe('CSR graphs', () => {
  it('symmetrizes, merges parallel edges, keeps self-loops once and drops zero weights', () => {
    const g = csrFromGraph({
      nodes: 4,
      edges: [
        [0, 1],
        [1, 0, 2],
        [1, 2, 0.5],
        [2, 2, 3],
        [2, 3, 0],
      ],
    });
    const row = (u: number) => {
      const r: Record<number, number> = {};
      for (let p = g.offsets[u]!; p < g.offsets[u + 1]!; p++) r[g.targets[p]!] = g.weights[p]!;
      return r;
    };
    expect(row(0)).toEqual({ 1: 3 });
    expect(row(1)).toEqual({ 0: 3, 2: 0.5 });
    expect(row(2)).toEqual({ 1: 0.5, 2: 3 });
    expect(row(3)).toEqual({});
    expect(Array.from(g.degree)).toEqual([3, 3.5, 3.5, 0]);
    expect(g.volume).toBe(10);
  });

  it('induces subgraphs with relabelled nodes', () => {
    const g = csrFromGraph({
      nodes: 5,
      edges: [
        [0, 1],
        [1, 2, 2],
        [2, 3],
        [3, 4],
        [4, 0],
      ],
    });
    const s = inducedSubgraph(g, Int32Array.from([1, 2, 3]));
    expect(s.nodes).toBe(3);
    expect(Array.from(s.degree)).toEqual([2, 3, 1]);
  });

  it('computes cut size and conductance by definition', () => {
    // Two triangles joined by one edge: cut 1, each side has volume 7, φ = 1/7.
    const graph = {
      nodes: 6,
      edges: [
        [0, 1],
        [1, 2],
        [2, 0],
        [3, 4],
        [4, 5],
        [5, 3],
        [2, 3],
      ] as Array<[number, number]>,
    };
    const q = partitionQuality(graph, [0, 0, 0, 1, 1, 1]);
    expect(q.cutSize).toBe(1);
    expect(q.conductance).toBeCloseTo(1 / 7, 15);
    expect(setQuality(graph, [3, 4, 5])).toEqual({ cutSize: 1, volume: 7, conductance: 1 / 7 });
    expect(spectralPartition(graph)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('rejects bad graphs with INVALID_GRAPH', () => {
    const bad: unknown[] = [
      { nodes: 0, edges: [] },
      { nodes: -3, edges: [] },
      { nodes: 2.5, edges: [] },
      { nodes: Number.NaN, edges: [] },
      { nodes: '3', edges: [] },
      { nodes: 3, edges: [[0, 3]] },
      { nodes: 3, edges: [[-1, 2]] },
      { nodes: 3, edges: [[0, 1.5]] },
      { nodes: 3, edges: [[0, 1, -1]] },
      { nodes: 3, edges: [[0, 1, Number.NaN]] },
      { nodes: 3, edges: [[0, 1, Number.POSITIVE_INFINITY]] },
      { nodes: 3, edges: [[0]] },
      { nodes: 3, edges: 'x' },
      null,
    ];
    for (const g of bad) {
      expect(code(() => csrFromGraph(g as never))).toBe('INVALID_GRAPH');
      expect(code(() => spectralPartition(g as never))).toBe('INVALID_GRAPH');
    }
  });

  it('rejects bad options with INVALID_ARGUMENT', () => {
    const g = { nodes: 4, edges: [[0, 1] as [number, number]] };
    for (const o of [
      { laplacian: 'nope' },
      { parts: 0 },
      { parts: 5 },
      { parts: 1.5 },
      { cut: 'x' },
      { seed: 0.5 },
    ])
      expect(code(() => spectralPartition(g, o as never))).toBe('INVALID_ARGUMENT');
    expect(code(() => partitionQuality(g, [0, 1]))).toBe('INVALID_ARGUMENT');
    expect(code(() => partitionQuality(g, [0, 1, -1, 0]))).toBe('INVALID_ARGUMENT');
  });
});

describe('kNN graph from neighbour lists', () => {
  // Points on a line at 0, 1, 2, 10: each lists its two nearest (itself first, as an index returns it).
  const ids = ['a', 'b', 'c', 'd'];
  const lists = {
    ids,
    neighbors: [
      ['a', 'b', 'c'],
      ['b', 'a', 'c'],
      ['c', 'b', 'a'],
      ['d', 'c', 'b'],
    ],
    distances: [
      [0, 1, 2],
      [0, 1, 1],
      [0, 1, 2],
      [0, 8, 9],
    ],
  };
  const edgeSet = (g: ReturnType<typeof knnGraphFromNeighbors>['graph']) => {
    const out: string[] = [];
    for (let u = 0; u < g.nodes; u++)
      for (let p = g.offsets[u]!; p < g.offsets[u + 1]!; p++)
        if (u < g.targets[p]!) out.push(`${u}-${g.targets[p]}:${g.weights[p]!.toFixed(4)}`);
    return out.sort();
  };

  it('union keeps every listed pair, mutual only the reciprocated ones', () => {
    const union = knnGraphFromNeighbors(lists, { k: 2 });
    expect(union.ids).toEqual(ids);
    expect(edgeSet(union.graph)).toEqual(
      ['0-1:1.0000', '0-2:1.0000', '1-2:1.0000', '2-3:1.0000', '1-3:1.0000'].sort(),
    );
    const mutual = knnGraphFromNeighbors(lists, { k: 2, symmetrize: 'mutual' });
    expect(edgeSet(mutual.graph)).toEqual(['0-1:1.0000', '0-2:1.0000', '1-2:1.0000']);
    const k1 = knnGraphFromNeighbors(lists, { k: 1, symmetrize: 'mutual' });
    expect(edgeSet(k1.graph)).toEqual(['0-1:1.0000']);
  });

  it('weighs edges by a Gaussian kernel of the distance', () => {
    const r = knnGraphFromNeighbors(lists, { k: 2, weighting: 'gaussian', bandwidth: 2 });
    const w = (d: number) => Math.exp(-(d * d) / 8).toFixed(4);
    expect(edgeSet(r.graph)).toEqual(
      [`0-1:${w(1)}`, `0-2:${w(2)}`, `1-2:${w(1)}`, `2-3:${w(8)}`, `1-3:${w(9)}`].sort(),
    );
    // Default bandwidth: the median edge distance over {1, 2, 1, 8, 9} = 2.
    expect(knnGraphFromNeighbors(lists, { k: 2, weighting: 'gaussian' }).bandwidth).toBe(2);
  });

  it('accepts node indices without ids and validates its input', () => {
    const r = knnGraphFromNeighbors({ neighbors: [[1], [0]], distances: [[0.5], [0.5]] });
    expect(r.graph.volume).toBe(2);
    expect(code(() => knnGraphFromNeighbors({ neighbors: [[2], [0]], distances: [[1], [1]] }))).toBe(
      'INVALID_GRAPH',
    );
    expect(code(() => knnGraphFromNeighbors({ neighbors: [[1], [0]], distances: [[-1], [1]] }))).toBe(
      'INVALID_GRAPH',
    );
    expect(code(() => knnGraphFromNeighbors({ neighbors: [[1], [0]], distances: [[1, 2], [1]] }))).toBe(
      'INVALID_GRAPH',
    );
    expect(code(() => knnGraphFromNeighbors({ ...lists, ids: ['a', 'a', 'c', 'd'] }))).toBe('INVALID_GRAPH');
    expect(code(() => knnGraphFromNeighbors(lists, { k: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => knnGraphFromNeighbors(lists, { symmetrize: 'both' as never }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => knnGraphFromNeighbors(lists, { weighting: 'cosine' as never }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => knnGraphFromNeighbors(lists, { weighting: 'gaussian', bandwidth: 0 }))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
