import { assertArg } from '../errors.js';
import { type CsrGraph, inducedSubgraph } from './csr.js';
import { type AnyGraph, conductanceOf, sweep, toCsr } from './cut.js';
import { smallestEigenpairs } from './lanczos.js';
import { LAPLACIAN_KINDS, type LaplacianKind, laplacianOperator } from './laplacian.js';

export type CutRule = 'sign' | 'sweep';

export interface SpectralOptions {
  /** Which Laplacian's second eigenvector to cut (default 'unnormalized', the robust one). */
  laplacian?: LaplacianKind;
  /** Number of parts, by recursive bisection (default 2). */
  parts?: number;
  /** 'sign' (default, the algorithm analysed by Bhaskara et al. 2024) or 'sweep' (best prefix of the
   * sorted embedding: ratio cut for the unnormalized Laplacian, conductance for the normalized ones). */
  cut?: CutRule;
  seed?: number;
  /** Relative residual tolerance of the eigensolver (default 1e-10). */
  tol?: number;
}

export interface Bisection {
  /** 0/1 per node of the graph that was cut. */
  side: Uint8Array;
  /** The embedding that was cut: Fiedler vector of L, of N, or D^{−1/2}·(Fiedler vector of N). */
  embedding: Float64Array;
  eigenvalue: number;
  converged: boolean;
  matvecs: number;
}

interface ResolvedOptions {
  laplacian: LaplacianKind;
  parts: number;
  cut: CutRule;
  seed: number;
  tol: number;
}

function resolve(options: SpectralOptions | undefined, nodes: number): ResolvedOptions {
  const o = options ?? {};
  assertArg(typeof o === 'object', 'INVALID_ARGUMENT', 'options must be an object');
  const laplacian = o.laplacian ?? 'unnormalized';
  assertArg(LAPLACIAN_KINDS.includes(laplacian), 'INVALID_ARGUMENT', `unknown laplacian '${laplacian}'`);
  const parts = o.parts ?? 2;
  assertArg(
    Number.isInteger(parts) && parts >= 1 && parts <= nodes,
    'INVALID_ARGUMENT',
    `parts must be an integer from 1 to the number of nodes (${nodes})`,
  );
  const cut = o.cut ?? 'sign';
  assertArg(cut === 'sign' || cut === 'sweep', 'INVALID_ARGUMENT', "cut must be 'sign' or 'sweep'");
  const seed = o.seed ?? 0;
  assertArg(Number.isSafeInteger(seed), 'INVALID_ARGUMENT', 'seed must be an integer');
  const tol = o.tol ?? 1e-10;
  assertArg(Number.isFinite(tol) && tol > 0 && tol < 1, 'INVALID_ARGUMENT', 'tol must be in (0, 1)');
  return { laplacian, parts, cut, seed, tol };
}

/** The embedding whose sign or sweep splits the graph in two. */
export function fiedlerEmbedding(
  g: CsrGraph,
  laplacian: LaplacianKind,
  seed: number,
  tol = 1e-10,
): { embedding: Float64Array; eigenvalue: number; converged: boolean; matvecs: number } {
  const op = laplacianOperator(g, laplacian);
  const eig = smallestEigenpairs(op, { count: 1, tol, maxBasis: 40, maxRestarts: 1000, seed });
  const u = eig.vectors[0] ?? new Float64Array(g.nodes);
  if (laplacian === 'random_walk') {
    // Eigenvector of L_rw = D^{−1/2}·(eigenvector of N); isolated nodes get 0 and fall on the 0 side.
    for (let i = 0; i < g.nodes; i++) {
      const d = g.degree[i]!;
      u[i] = d > 0 ? u[i]! / Math.sqrt(d) : 0;
    }
  }
  // Fix the arbitrary sign of an eigenvector so that results do not depend on the start vector's sign.
  let k = 0;
  for (let i = 1; i < u.length; i++) if (Math.abs(u[i]!) > Math.abs(u[k]!)) k = i;
  if (u[k]! < 0) for (let i = 0; i < u.length; i++) u[i] = -u[i]!;
  return {
    embedding: u,
    eigenvalue: eig.values[0] ?? 0,
    converged: eig.converged,
    matvecs: eig.matvecs,
  };
}

function bisectCsr(
  g: CsrGraph,
  laplacian: LaplacianKind,
  cut: CutRule,
  seed: number,
  tol: number,
): Bisection {
  const n = g.nodes;
  const side = new Uint8Array(n);
  if (n < 2) return { side, embedding: new Float64Array(n), eigenvalue: 0, converged: true, matvecs: 0 };
  const f = fiedlerEmbedding(g, laplacian, seed, tol);
  const x = f.embedding;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => x[b]! - x[a]! || a - b);
  let size: number;
  if (cut === 'sign') {
    size = 0;
    for (let i = 0; i < n; i++) if (x[i]! > 0) size++;
  } else {
    const total = g.volume;
    const objective =
      laplacian === 'unnormalized'
        ? // Ratio cut w(S, S̄)·n/(|S|·|S̄|): the quantity whose relaxation is λ₂(L).
          (c: number, _v: number, s: number) => (c * n) / (s * (n - s))
        : // Conductance, whose relaxation is λ₂(N) (Cheeger).
          (c: number, v: number) => conductanceOf(c, v, total);
    size = sweep(g, order, n - 1, objective, new Uint8Array(n)).size;
  }
  // A sign pattern with an empty side (a degenerate eigenvector) still has to split: halve by rank.
  if (size <= 0 || size >= n) size = n >> 1;
  for (let i = 0; i < size; i++) side[order[i]!] = 1;
  return { side, embedding: x, eigenvalue: f.eigenvalue, converged: f.converged, matvecs: f.matvecs };
}

/** One spectral bisection with its diagnostics (eigenvalue, convergence, matrix–vector products). */
export function spectralBisection(graph: AnyGraph, options?: Omit<SpectralOptions, 'parts'>): Bisection {
  const g = toCsr(graph);
  const o = resolve({ ...options, parts: Math.min(2, g.nodes) }, g.nodes);
  return bisectCsr(g, o.laplacian, o.cut, o.seed, o.tol);
}

/**
 * Spectral partitioning into `parts` parts by recursive bisection: the part with the most nodes is split
 * on its own induced subgraph until there are `parts` parts. Labels are numbered by each part's smallest
 * node id, so equal partitions give equal label arrays.
 */
export function spectralPartition(graph: AnyGraph, options?: SpectralOptions): number[] {
  const g = toCsr(graph);
  const o = resolve(options, g.nodes);
  let groups: Int32Array[] = [Int32Array.from({ length: g.nodes }, (_, i) => i)];
  let round = 0;
  while (groups.length < o.parts) {
    let pick = 0;
    for (let i = 1; i < groups.length; i++) if (groups[i]!.length > groups[pick]!.length) pick = i;
    const members = groups[pick]!;
    const sub = members.length === g.nodes ? g : inducedSubgraph(g, members);
    const { side } = bisectCsr(sub, o.laplacian, o.cut, o.seed + round++, o.tol);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < members.length; i++) (side[i] ? a : b).push(members[i]!);
    groups = [...groups.slice(0, pick), Int32Array.from(a), Int32Array.from(b), ...groups.slice(pick + 1)];
  }
  // Members stay in ascending order through every split, so x[0] is a part's smallest node id.
  groups.sort((x, y) => x[0]! - y[0]!);
  const labels = new Array<number>(g.nodes).fill(0);
  groups.forEach((members, label) => {
    for (const v of members) labels[v] = label;
  });
  return labels;
}
