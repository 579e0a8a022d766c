import { describe, expect, it } from 'vitest';
import { DitherError } from '../../src/errors.js';
import { agreement, stochasticBlockModel } from '../../src/graph/sbm.js';

function counts(edges: Array<[number, number]>, labels: number[]) {
  let inside = 0;
  let crossing = 0;
  const seen = new Set<number>();
  let duplicates = 0;
  for (const [u, v] of edges) {
    const key = Math.min(u, v) * 1e6 + Math.max(u, v);
    if (seen.has(key) || u === v) duplicates++;
    seen.add(key);
    if (labels[u] === labels[v]) inside++;
    else crossing++;
  }
  return { inside, crossing, duplicates, seen };
}

describe('stochastic block model with semirandom adversaries', () => {
  it('draws inside and crossing edges at rates pIn and pOut (within 4 standard errors)', () => {
    const { graph, labels } = stochasticBlockModel({ sizes: [300, 300], pIn: 0.05, pOut: 0.01, seed: 1 });
    const c = counts(graph.edges, labels);
    const pairsIn = 2 * ((300 * 299) / 2);
    const pairsOut = 300 * 300;
    expect(Math.abs(c.inside - pairsIn * 0.05)).toBeLessThan(4 * Math.sqrt(pairsIn * 0.05 * 0.95));
    expect(Math.abs(c.crossing - pairsOut * 0.01)).toBeLessThan(4 * Math.sqrt(pairsOut * 0.01 * 0.99));
    expect(c.duplicates).toBe(0);
    expect(labels.slice(0, 300).every((l) => l === 0) && labels.slice(300).every((l) => l === 1)).toBe(true);
  });

  it('adversaries only add inside edges or remove crossing ones', () => {
    const base = stochasticBlockModel({ sizes: [200, 200], pIn: 0.05, pOut: 0.02, seed: 2 });
    const clique = stochasticBlockModel({
      sizes: [200, 200],
      pIn: 0.05,
      pOut: 0.02,
      seed: 2,
      adversaries: [{ kind: 'dense-subset', community: 1, fraction: 0.25, density: 1 }],
    });
    const b = counts(base.graph.edges, base.labels);
    const c = counts(clique.graph.edges, clique.labels);
    // Same seed, same random graph underneath: crossing edges untouched, every pair of the 50-node subset joined.
    expect(c.crossing).toBe(b.crossing);
    for (let i = 200; i < 250; i++)
      for (let j = i + 1; j < 250; j++) expect(c.seen.has(i * 1e6 + j)).toBe(true);
    expect(c.inside).toBeGreaterThanOrEqual((50 * 49) / 2);
    expect(c.duplicates).toBe(0);
    const removed = stochasticBlockModel({
      sizes: [200, 200],
      pIn: 0.05,
      pOut: 0.02,
      seed: 2,
      adversaries: [{ kind: 'remove-crossing', fraction: 0.5 }],
    });
    const r = counts(removed.graph.edges, removed.labels);
    expect(r.inside).toBe(b.inside);
    expect(Math.abs(r.crossing - b.crossing / 2)).toBeLessThan(4 * Math.sqrt(b.crossing * 0.25));
    const internal = stochasticBlockModel({
      sizes: [200, 200],
      pIn: 0.05,
      pOut: 0.02,
      seed: 2,
      adversaries: [{ kind: 'internal', p: 0.05 }],
    });
    const i = counts(internal.graph.edges, internal.labels);
    expect(i.crossing).toBe(b.crossing);
    // Union of two independent G(n, 0.05) draws inside: rate 1 − 0.95² = 0.0975.
    const pairs = 2 * ((200 * 199) / 2);
    expect(Math.abs(i.inside - pairs * 0.0975)).toBeLessThan(4 * Math.sqrt(pairs * 0.0975 * 0.9025));
  });

  it('agreement is invariant under relabelling and counts the best matching', () => {
    expect(agreement([1, 1, 0, 0], [0, 0, 1, 1])).toBe(1);
    expect(agreement([0, 1, 0, 0], [0, 0, 1, 1])).toBe(0.75);
    expect(agreement([2, 2, 0, 1, 1], [0, 0, 1, 2, 2])).toBe(1);
  });

  it('rejects bad parameters with INVALID_ARGUMENT', () => {
    const bad = [
      { sizes: [], pIn: 0.1, pOut: 0.1 },
      { sizes: [0, 3], pIn: 0.1, pOut: 0.1 },
      { sizes: [3, 3], pIn: 1.5, pOut: 0.1 },
      { sizes: [3, 3], pIn: 0.1, pOut: -0.1 },
      {
        sizes: [3, 3],
        pIn: 0.1,
        pOut: 0.1,
        adversaries: [{ kind: 'dense-subset', community: 2, fraction: 1, density: 1 }],
      },
      { sizes: [3, 3], pIn: 0.1, pOut: 0.1, adversaries: [{ kind: 'nope' }] },
    ];
    for (const o of bad) {
      let code: string | undefined;
      try {
        stochasticBlockModel(o as never);
      } catch (e) {
        code = e instanceof DitherError ? e.code : 'other';
      }
      expect(code).toBe('INVALID_ARGUMENT');
    }
  });
});
