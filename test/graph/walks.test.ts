import { describe, expect, it } from 'vitest';
import { type CsrGraph, csrFromGraph } from '../../src/graph/csr.js';
import { runStitchedWalks, segmentStartTimes, stitchWalks } from '../../src/graph/stitch.js';
import { sequentialWalkPaths, walkSegments } from '../../src/graph/walks.js';
import { Rng } from '../../src/rng.js';

/** A small weighted graph with self-loops and a degree-1 node: every stochastic corner of the walk. */
function testGraph(): CsrGraph {
  const rng = new Rng(11);
  const n = 24;
  const edges: Array<[number, number, number]> = [];
  for (let i = 0; i + 1 < n - 1; i++) edges.push([i, i + 1, 0.5 + rng.next()]);
  for (let i = 0; i < n - 1; i++)
    for (let j = i + 2; j < n - 1; j++) if (rng.next() < 0.15) edges.push([i, j, 0.2 + 2 * rng.next()]);
  edges.push([3, 3, 1.5], [7, 7, 0.7], [n - 1, 5, 1]); // node n−1 hangs off node 5
  return csrFromGraph({ nodes: n, edges });
}

/** Exact distribution of the walk at every time 0..ℓ from s, by repeated multiplication with P = D⁻¹A. */
function exactDistributions(g: CsrGraph, s: number, ell: number): Float64Array[] {
  const out: Float64Array[] = [];
  let p = new Float64Array(g.nodes);
  p[s] = 1;
  out.push(p);
  for (let t = 1; t <= ell; t++) {
    const q = new Float64Array(g.nodes);
    for (let u = 0; u < g.nodes; u++)
      for (let e = g.offsets[u]!; e < g.offsets[u + 1]!; e++)
        q[g.targets[e]!]! += (p[u]! * g.weights[e]!) / g.degree[u]!;
    out.push(q);
    p = q;
  }
  return out;
}

/** Upper 0.1 % point of χ²(df): tabulated for df ≤ 5, Wilson–Hilferty (within 1 % there) above. */
function chi2Critical(df: number): number {
  const table = [10.828, 13.816, 16.266, 18.467, 20.515];
  if (df <= 5) return table[df - 1]!;
  const z = 3.0902;
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** Pearson goodness of fit of counts to probabilities, pooling cells with expected count < 5. */
function goodnessOfFit(
  counts: Float64Array,
  probs: Float64Array,
  total: number,
): { stat: number; df: number } {
  let stat = 0;
  let cells = 0;
  let poolO = 0;
  let poolE = 0;
  for (let i = 0; i < probs.length; i++) {
    const e = probs[i]! * total;
    if (e < 5) {
      poolO += counts[i]!;
      poolE += e;
      continue;
    }
    stat += (counts[i]! - e) ** 2 / e;
    cells++;
  }
  if (poolE >= 5) {
    stat += (poolO - poolE) ** 2 / poolE;
    cells++;
  } else expect(poolO).toBeLessThan(25); // rare cells must stay rare
  return { stat, df: cells - 1 };
}

describe('stitched random walks (Kapralov, Lattanzi, Nouri, Tardos 2021)', () => {
  const g = testGraph();
  const seeds = Int32Array.from([0, 17]);
  const ell = 13; // 1101₂: segments of length 1, 4 and 8, so every level and the bit-skipping are exercised
  const walks = 16_000;

  it('every stitched path is a walk in the graph, from its seed', () => {
    const r = runStitchedWalks(g, seeds, { walkLength: ell, walks: 2000, seed: 3 });
    const adj = new Set<number>();
    for (let u = 0; u < g.nodes; u++)
      for (let e = g.offsets[u]!; e < g.offsets[u + 1]!; e++) adj.add(u * g.nodes + g.targets[e]!);
    let wrongStart = 0;
    let nonEdges = 0;
    for (let w = 0; w < 2000; w++) {
      if (r.paths[w * (ell + 1)] !== seeds[w % 2]) wrongStart++;
      for (let t = 0; t < ell; t++) {
        const a = r.paths[w * (ell + 1) + t]!;
        const b = r.paths[w * (ell + 1) + t + 1]!;
        if (!adj.has(a * g.nodes + b)) nonEdges++;
      }
    }
    expect(wrongStart).toBe(0);
    expect(nonEdges).toBe(0);
  });

  it('has the exact distribution at every step (χ² goodness of fit, α = 0.001 per test)', () => {
    const r = runStitchedWalks(g, seeds, { walkLength: ell, walks, seed: 4 });
    for (const [si, s] of [0, 17].entries()) {
      const exact = exactDistributions(g, s, ell);
      for (const t of [1, 2, 5, 8, 12, 13]) {
        const counts = new Float64Array(g.nodes);
        let total = 0;
        for (let w = si; w < walks; w += 2) {
          counts[r.paths[w * (ell + 1) + t]!]!++;
          total++;
        }
        const { stat, df } = goodnessOfFit(counts, exact[t]!, total);
        expect(df).toBeGreaterThanOrEqual(t === 1 ? 1 : 5);
        expect(stat).toBeLessThan(chi2Critical(df));
      }
    }
  });

  it('matches sequential walks: two-sample χ² on the endpoints, and on the pair (X₄, X₁₃)', () => {
    const stitched = runStitchedWalks(g, seeds, { walkLength: ell, walks, seed: 5 }).paths;
    const sequential = sequentialWalkPaths(g, seeds, walks, ell, 6);
    // Equal sample sizes: Σ (a − b)²/(a + b) ~ χ²(cells − 1) under the null (cells with a + b ≥ 10).
    const twoSample = (key: (p: Int32Array, w: number) => number) => {
      const a = new Map<number, number>();
      const b = new Map<number, number>();
      for (let w = 0; w < walks; w++) {
        a.set(key(stitched, w), (a.get(key(stitched, w)) ?? 0) + 1);
        b.set(key(sequential, w), (b.get(key(sequential, w)) ?? 0) + 1);
      }
      let stat = 0;
      let cells = 0;
      for (const k of new Set([...a.keys(), ...b.keys()])) {
        const x = a.get(k) ?? 0;
        const y = b.get(k) ?? 0;
        if (x + y < 10) continue;
        stat += (x - y) ** 2 / (x + y);
        cells++;
      }
      return { stat, df: cells - 1 };
    };
    const end = twoSample((p, w) => p[w * (ell + 1) + ell]!);
    expect(end.stat).toBeLessThan(chi2Critical(end.df));
    // The joint law of two times that sit in different segments catches a second half that does not
    // start where its first half ended, or a walk whose pieces are spliced in the wrong order.
    const pair = twoSample((p, w) => p[w * (ell + 1) + 4]! * g.nodes + p[w * (ell + 1) + ell]!);
    expect(pair.df).toBeGreaterThan(20);
    expect(pair.stat).toBeLessThan(chi2Critical(pair.df));
  });

  it('uses ⌊log₂ ℓ⌋ + 2 rounds per cycle and decomposes ℓ into its binary segments', () => {
    const r = runStitchedWalks(g, seeds, { walkLength: 100, walks: 640, seed: 7 });
    expect(r.stats.rounds).toBe(r.stats.cycles * (Math.floor(Math.log2(100)) + 2));
    expect(r.stats.cycles).toBe(6); // 20 + 40 + 80 + 160 + 320 + 20 walks
    expect(r.stats.stepsGenerated).toBeGreaterThanOrEqual(r.stats.stepsUsed);
    const times = segmentStartTimes(13);
    expect(times[0]).toEqual(Array.from({ length: 13 }, (_, t) => t));
    expect(times[2]).toEqual([1, 5, 9]);
    expect(times[3]).toEqual([5]);
  });

  it('is reproducible from its seed and independent of how requests are sharded', () => {
    const a = runStitchedWalks(g, seeds, { walkLength: ell, walks: 500, seed: 9 }).paths;
    const it = stitchWalks(seeds, { walkLength: ell, walks: 500, seed: 9 });
    let r = it.next();
    while (!r.done) {
      const { starts, length, seed } = r.value;
      const out = new Int32Array(starts.length * (length + 1));
      // Answer in shards of one block, as worker threads do.
      for (let first = 0; first < starts.length; first += 256) {
        const part = starts.subarray(first, first + 256);
        const buf = new Int32Array(part.length * (length + 1));
        walkSegments(g, part, length, seed, buf, first);
        out.set(buf, first * (length + 1));
      }
      r = it.next(out);
    }
    expect(Array.from(r.value.paths)).toEqual(Array.from(a));
  });
});
