import { Rng } from '../rng.js';
import { jacobiEigen } from './jacobi.js';
import type { SymmetricOperator } from './laplacian.js';

export interface EigenOptions {
  /** How many of the smallest eigenpairs above the deflated null vector to return. */
  count: number;
  /** Stop when every wanted Ritz residual ‖M y − λ y‖ ≤ tol · upperBound. */
  tol: number;
  /** Krylov basis size before a thick restart. */
  maxBasis: number;
  maxRestarts: number;
  seed: number;
}

export interface EigenResult {
  /** Ascending eigenvalues of M on the complement of its null vector. */
  values: Float64Array;
  vectors: Float64Array[];
  residuals: Float64Array;
  converged: boolean;
  matvecs: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += alpha * x[i]!;
}

/**
 * The `count` smallest eigenpairs of a PSD operator M on the orthogonal complement of its known null vector,
 * by thick-restart Lanczos (Wu & Simon 2000) on B = σI − M with σ = M's spectral upper bound: the wanted
 * bottom of M is the top of B, where Lanczos converges, and B is PSD so no Ritz value is spurious.
 * The null vector (constant for L = D − A, D^{1/2}·1 for the normalized Laplacian) is projected out of the
 * start vector and of every product, so the iteration never wastes a direction on it — the "deflation of the
 * constant vector" that makes the first Ritz vector the Fiedler vector.
 * Full reorthogonalization (two classical Gram–Schmidt passes, Daniel–Gragg–Kaufman–Stewart) keeps the basis
 * orthogonal to working precision, so the projected matrix H = VᵀBV is formed explicitly and solved densely
 * by Jacobi; after a restart H is a diagonal block of kept Ritz values bordered by the residual couplings.
 * Like every single-vector Krylov method it sees one direction per eigenspace: with count > 1 on a graph whose
 * wanted eigenvalues repeat (symmetric blocks, cycles), copies of a repeated value may be skipped. The
 * Fiedler vector (count = 1) is unaffected: any unit vector of λ₂'s eigenspace is returned.
 */
export function smallestEigenpairs(op: SymmetricOperator, options: EigenOptions): EigenResult {
  const n = op.size;
  const dim = n - 1; // the complement of the null vector
  const count = Math.min(options.count, dim);
  if (count <= 0) {
    return {
      values: new Float64Array(0),
      vectors: [],
      residuals: new Float64Array(0),
      converged: true,
      matvecs: 0,
    };
  }
  const m = Math.min(dim, Math.max(options.maxBasis, count + 8));
  const sigma = op.upperBound > 0 ? op.upperBound : 1;
  const z = op.nullVector;
  const rng = new Rng(options.seed, 0x1a2c);
  let basis: Float64Array[] = Array.from({ length: m + 1 }, () => new Float64Array(n));
  let spare: Float64Array[] = Array.from({ length: m + 1 }, () => new Float64Array(n));
  const w = new Float64Array(n);
  const mw = new Float64Array(n);
  const h = new Float64Array(m * m);
  const hcol = new Float64Array(m);
  let matvecs = 0;

  const deflate = (x: Float64Array) => axpy(-dot(z, x), z, x);
  // A fresh direction orthogonal to z and to basis[0..upTo): a start vector, or a replacement when the
  // Krylov space became invariant (exact breakdown, e.g. a graph with few distinct eigenvalues).
  const randomDirection = (target: Float64Array, upTo: number): boolean => {
    for (let attempt = 0; attempt < 5; attempt++) {
      for (let i = 0; i < n; i++) target[i] = rng.gaussian();
      for (let pass = 0; pass < 2; pass++) {
        deflate(target);
        for (let i = 0; i < upTo; i++) axpy(-dot(basis[i]!, target), basis[i]!, target);
      }
      const norm = Math.sqrt(dot(target, target));
      if (norm > 1e-8) {
        for (let i = 0; i < n; i++) target[i]! /= norm;
        return true;
      }
    }
    return false;
  };

  randomDirection(basis[0]!, 0);
  let kept = 0;
  let residualNorm = 0;
  let theta: Float64Array = new Float64Array(0);
  let s: Float64Array = new Float64Array(0);
  let residuals = new Float64Array(count);
  let converged = false;
  for (let restart = 0; restart <= options.maxRestarts; restart++) {
    for (let j = kept; j < m; j++) {
      const vj = basis[j]!;
      op.apply(vj, mw);
      matvecs++;
      for (let i = 0; i < n; i++) w[i] = sigma * vj[i]! - mw[i]!;
      hcol.fill(0, 0, j + 1);
      for (let pass = 0; pass < 2; pass++) {
        deflate(w);
        for (let i = 0; i <= j; i++) {
          const c = dot(basis[i]!, w);
          axpy(-c, basis[i]!, w);
          hcol[i]! += c;
        }
      }
      for (let i = 0; i <= j; i++) {
        h[i * m + j] = hcol[i]!;
        h[j * m + i] = hcol[i]!;
      }
      const beta = Math.sqrt(dot(w, w));
      const next = basis[j + 1]!;
      if (j < m - 1 && beta <= 1e-12 * sigma) {
        if (!randomDirection(next, j + 1)) {
          residualNorm = 0;
          break;
        }
      } else {
        for (let i = 0; i < n; i++) next[i] = beta > 0 ? w[i]! / beta : 0;
      }
      residualNorm = beta;
    }
    const eig = jacobiEigen(h.slice(), m);
    theta = eig.values;
    s = eig.vectors;
    // Ritz residual of the pair (θ_c, V s_c) is ‖f‖·|s_{m−1,c}| (the last row of S), Paige's estimate.
    converged = true;
    residuals = new Float64Array(count);
    for (let r = 0; r < count; r++) {
      const c = m - 1 - r;
      residuals[r] = residualNorm * Math.abs(s[(m - 1) * m + c]!);
      if (residuals[r]! > options.tol * sigma) converged = false;
    }
    if (converged || restart === options.maxRestarts) break;
    // Thick restart: keep the top `kept` Ritz vectors (wanted ones plus a buffer that speeds convergence),
    // continue from the residual direction basis[m] = f/‖f‖, which is orthogonal to all of them.
    kept = Math.min(m - 1, count + Math.max(2, Math.floor((m - count) / 2)));
    for (let r = 0; r < kept; r++) {
      const c = m - 1 - r;
      const y = spare[r]!;
      y.fill(0);
      for (let j = 0; j < m; j++) axpy(s[j * m + c]!, basis[j]!, y);
    }
    spare[kept]!.set(basis[m]!);
    const t = basis;
    basis = spare;
    spare = t;
    h.fill(0);
    for (let r = 0; r < kept; r++) h[r * m + r] = theta[m - 1 - r]!;
  }
  const values = new Float64Array(count);
  const vectors: Float64Array[] = [];
  for (let r = 0; r < count; r++) {
    const c = m - 1 - r;
    values[r] = sigma - theta[c]!;
    const y = new Float64Array(n);
    for (let j = 0; j < m; j++) axpy(s[j * m + c]!, basis[j]!, y);
    const norm = Math.sqrt(dot(y, y));
    for (let i = 0; i < n; i++) y[i]! /= norm;
    vectors.push(y);
  }
  return { values, vectors, residuals, converged, matvecs };
}
