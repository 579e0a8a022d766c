import { assertArg } from '../errors.js';
import { type CsrGraph, csrFromGraph, type GraphInput } from './csr.js';

/** Either the explicit edge-list form or an already built CSR graph (the collection keeps the latter). */
export type AnyGraph = GraphInput | CsrGraph;

export function isCsrGraph(g: AnyGraph): g is CsrGraph {
  return g !== null && typeof g === 'object' && (g as CsrGraph).offsets instanceof Int32Array;
}

export function toCsr(g: AnyGraph): CsrGraph {
  return isCsrGraph(g) ? g : csrFromGraph(g);
}

/**
 * Conductance φ(S) = w(S, S̄) / min(vol S, vol S̄), the quantity both sweep cuts minimise (Spielman–Teng;
 * Andersen–Chung–Lang). Defined as 1 when either side has zero volume, so an empty or whole set never wins.
 */
export function conductanceOf(cut: number, volS: number, totalVolume: number): number {
  const denom = Math.min(volS, totalVolume - volS);
  return denom > 0 ? cut / denom : 1;
}

export interface PartitionQuality {
  /** Total weight of edges whose endpoints carry different labels. */
  cutSize: number;
  /** max over parts P of φ(P): a k-way partition is only as good as its leakiest part. */
  conductance: number;
  /** φ(P) for every label 0..parts−1. */
  partConductance: number[];
  /** Number of nodes per label. */
  partSizes: number[];
}

function checkLabels(g: CsrGraph, labels: ArrayLike<number>): number {
  assertArg(
    labels !== null && typeof labels === 'object' && labels.length === g.nodes,
    'INVALID_ARGUMENT',
    `labels must hold one entry per node (${g.nodes})`,
  );
  let parts = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    assertArg(Number.isInteger(l) && l >= 0, 'INVALID_ARGUMENT', 'labels must be non-negative integers');
    if (l + 1 > parts) parts = l + 1;
  }
  return parts;
}

/** Cut size and conductance of a labelled partition (labels 0..parts−1, one per node). */
export function partitionQuality(graph: AnyGraph, labels: ArrayLike<number>): PartitionQuality {
  const g = toCsr(graph);
  const parts = checkLabels(g, labels);
  const cut = new Float64Array(parts);
  const vol = new Float64Array(parts);
  const sizes = new Array<number>(parts).fill(0);
  let cutSize = 0;
  for (let u = 0; u < g.nodes; u++) {
    const lu = labels[u]!;
    sizes[lu]!++;
    vol[lu]! += g.degree[u]!;
    for (let p = g.offsets[u]!; p < g.offsets[u + 1]!; p++) {
      const v = g.targets[p]!;
      if (labels[v]! !== lu) {
        cut[lu]! += g.weights[p]!;
        if (u < v) cutSize += g.weights[p]!;
      }
    }
  }
  const partConductance = Array.from(cut, (c, i) => conductanceOf(c, vol[i]!, g.volume));
  return {
    cutSize,
    conductance: partConductance.length ? Math.max(...partConductance) : 1,
    partConductance,
    partSizes: sizes,
  };
}

/** w(S, S̄), vol(S) and φ(S) of a node set given by its ids. */
export function setQuality(
  graph: AnyGraph,
  nodes: ArrayLike<number>,
): { cutSize: number; volume: number; conductance: number } {
  const g = toCsr(graph);
  const inSet = new Uint8Array(g.nodes);
  for (let i = 0; i < nodes.length; i++) {
    const v = nodes[i]!;
    assertArg(Number.isInteger(v) && v >= 0 && v < g.nodes, 'INVALID_ARGUMENT', 'node id out of range');
    inSet[v] = 1;
  }
  let cut = 0;
  let volume = 0;
  for (let u = 0; u < g.nodes; u++) {
    if (!inSet[u]) continue;
    volume += g.degree[u]!;
    for (let p = g.offsets[u]!; p < g.offsets[u + 1]!; p++) if (!inSet[g.targets[p]!]) cut += g.weights[p]!;
  }
  return { cutSize: cut, volume, conductance: conductanceOf(cut, volume, g.volume) };
}

/**
 * Best prefix of `order` by `objective` (a sweep cut). Adding v to S changes w(S, S̄) by
 * deg(v) − 2·w(v, S) − (self-loop weight), so the whole sweep costs Σ deg over the prefix scanned.
 * `objective(cut, volS, sizeS)` is minimised over the prefixes of length 1..maxPrefix.
 * Returns the best prefix length and its objective value.
 */
export function sweep(
  g: CsrGraph,
  order: Int32Array,
  maxPrefix: number,
  objective: (cut: number, volS: number, sizeS: number) => number,
  inSet: Uint8Array,
): { size: number; value: number; cut: number; volume: number } {
  let cut = 0;
  let vol = 0;
  let best = { size: 0, value: Number.POSITIVE_INFINITY, cut: 0, volume: 0 };
  for (let i = 0; i < maxPrefix; i++) {
    const v = order[i]!;
    let toS = 0;
    let self = 0;
    for (let p = g.offsets[v]!; p < g.offsets[v + 1]!; p++) {
      const t = g.targets[p]!;
      if (t === v) self += g.weights[p]!;
      else if (inSet[t]) toS += g.weights[p]!;
    }
    inSet[v] = 1;
    cut += g.degree[v]! - self - 2 * toS;
    vol += g.degree[v]!;
    const value = objective(cut, vol, i + 1);
    if (value < best.value) best = { size: i + 1, value, cut, volume: vol };
  }
  for (let i = 0; i < maxPrefix; i++) inSet[order[i]!] = 0;
  return best;
}
