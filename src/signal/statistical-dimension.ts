import { assertArg } from '../errors.js';
import { choleskyInPlace } from '../linalg/cholesky.js';
import { gaussLegendre } from './gauss-legendre.js';
import {
  type NormalizedPrior,
  normalizePrior,
  priorDensity,
  priorFrequencyExtent,
  priorKernel,
} from './priors.js';

/**
 * Statistical dimension s_λ = tr(K (K + λ I)⁻¹) of the kernel operator (K f)(t) = ∫_0^T k(t − t') f(t') dt'
 * on L²([0, T], dt) — Avron et al. (STOC 2019), Definition of s_{μ,ε} (§1.1), with their normalised
 * ‖·‖_T = (1/T)∫_0^T and ε, i.e. s_λ here equals their s_{μ,ε} at ε = λ/T.
 *
 * Estimate: Nyström discretisation at n Gauss–Legendre nodes, A = D^{1/2} K_n D^{1/2}, whose eigenvalues
 * converge to the operator's; then s ≈ tr(A (A + λI)⁻¹) = n − λ·tr((A + λI)⁻¹), and tr(M⁻¹) = ‖L⁻¹‖²_F
 * from the Cholesky factor M = L Lᵀ — no eigen-solver needed, O(n³/2) in all.
 * n is chosen to resolve every frequency where p(ξ) > λ·10⁻³ (n ≈ 1.25·π·ξ_max·T + 32 nodes: the interior
 * spacing of Gauss–Legendre nodes is ≈ πT/(2n), so this keeps > 2.5 nodes per period at ξ_max).
 * If that exceeds MAX_NODES (heavy-tailed priors at tiny λ), the unresolved modes above ξ_res are added by
 * Szegő's approximation 2T ∫_{ξ_res}^∞ p/(p + λ) dξ (each frequency interval dξ carries T·dξ eigenvalues
 * ≈ p(ξ)), which is accurate there because those modes are far from the interval's edge effects.
 */
export const MAX_NODES = 900;
const NODE_MARGIN = 32;
const NODES_PER_PERIOD = 1.25 * Math.PI;

export interface StatisticalDimensionInput {
  prior: unknown;
  T: number;
  lambda: number;
}

/** Public edge: validates, then estimates s_λ. λ must be > 0 (at λ = 0 the dimension is infinite). */
export function statisticalDimension(input: StatisticalDimensionInput): number {
  assertArg(typeof input === 'object' && input !== null, 'INVALID_ARGUMENT', 'input must be an object');
  const prior = normalizePrior(input.prior);
  validateHorizon(input.T);
  assertArg(typeof input.lambda === 'number', 'INVALID_ARGUMENT', 'lambda must be a number');
  assertArg(Number.isFinite(input.lambda), 'NON_FINITE_VALUE', 'lambda must be finite');
  assertArg(input.lambda > 0, 'INVALID_ARGUMENT', 'statistical dimension needs lambda > 0');
  return statisticalDimensionOf(prior, input.T, input.lambda);
}

export function validateHorizon(T: unknown): asserts T is number {
  assertArg(typeof T === 'number', 'INVALID_ARGUMENT', 'T must be a number');
  assertArg(Number.isFinite(T), 'NON_FINITE_VALUE', 'T must be finite');
  assertArg(T > 0, 'INVALID_ARGUMENT', 'T must be > 0');
}

/** Node count the estimate uses for (prior, T, λ); exported so tests can check convergence around it. */
export function nystromNodeCount(prior: NormalizedPrior, T: number, lambda: number): number {
  const xiMax = priorFrequencyExtent(prior, lambda * 1e-3);
  const wanted = Math.ceil(NODES_PER_PERIOD * xiMax * T) + NODE_MARGIN;
  return Math.min(MAX_NODES, wanted);
}

export function statisticalDimensionOf(
  prior: NormalizedPrior,
  T: number,
  lambda: number,
  nodes?: number,
): number {
  if (prior.type === 'cauchy' && nodes === undefined)
    return cauchyStatisticalDimension(prior.scale, T, lambda);
  const n = nodes ?? nystromNodeCount(prior, T, lambda);
  let s = nystromStatisticalDimension(prior, T, lambda, n);
  const xiMax = priorFrequencyExtent(prior, lambda * 1e-3);
  const xiResolved = (n - NODE_MARGIN) / (NODES_PER_PERIOD * T);
  if (xiResolved < xiMax) s += szegoTail(prior, T, lambda, xiResolved);
  return s;
}

function nystromStatisticalDimension(prior: NormalizedPrior, T: number, lambda: number, n: number): number {
  const { nodes, weights } = gaussLegendre(n, 0, T);
  const a = new Float64Array(n * n);
  // Eigenvalues of A below ~1e-13·tr(A) are round-off; flooring λ there keeps A + λI numerically SPD
  // while changing s by far less than one unit.
  const lam = Math.max(lambda, 1e-13 * T * priorKernel(prior, 0));
  for (let i = 0; i < n; i++) {
    const si = Math.sqrt(weights[i]!);
    const ti = nodes[i]!;
    for (let j = 0; j <= i; j++) {
      const v = si * Math.sqrt(weights[j]!) * priorKernel(prior, ti - nodes[j]!);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
    a[i * n + i] = a[i * n + i]! + lam;
  }
  choleskyInPlace(a, n);
  // ‖L⁻¹‖²_F: forward-substitute each unit vector; column j of L⁻¹ is zero above row j.
  const x = new Float64Array(n);
  let traceInv = 0;
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) {
      let s = i === j ? 1 : 0;
      const row = i * n;
      for (let k = j; k < i; k++) s -= a[row + k]! * x[k]!;
      const xi = s / a[row + i]!;
      x[i] = xi;
      traceInv += xi * xi;
    }
  }
  return n - lam * traceInv;
}

/** 2T ∫_{a}^{∞} p/(p+λ) dξ by Simpson's rule in u = a/ξ ∈ (0, 1] (dξ = a du/u²), so the tail is finite. */
function szegoTail(prior: NormalizedPrior, T: number, lambda: number, a: number): number {
  const m = 2048;
  const h = 1 / m;
  let sum = 0;
  for (let i = 0; i <= m; i++) {
    const u = i * h;
    let f = 0;
    if (u > 0) {
      const xi = a / u;
      const p = priorDensity(prior, xi);
      f = (p / (p + lambda)) * (a / (u * u));
    } else if (prior.type === 'cauchy') {
      // p ≈ γ²/ξ² as ξ → ∞, so the integrand tends to γ²/(λ a).
      f = (prior.scale * prior.scale) / (lambda * a);
    }
    sum += (i === 0 || i === m ? 1 : i % 2 === 1 ? 4 : 2) * f;
  }
  return (2 * T * (sum * h)) / 3;
}

/**
 * Exact s_λ for the Cauchy prior. The kernel e^{−c|τ|} (c = 2πγ) on [0, T] is the Ornstein–Uhlenbeck
 * covariance, whose Karhunen–Loève expansion is classical (Van Trees, Detection, Estimation and Modulation
 * Theory I, §3.3): eigenfunctions ω cos ωt + c sin ωt, eigenvalues 2c/(c² + ω²), with ω_k the k-th positive
 * root of tan(ωT) = 2cω/(ω² − c²), i.e. of ωT = (k − 1)π + 2·atan(c/ω) (the left side minus the right is
 * increasing in ω, so each k has exactly one root, in ((k−1)π/T, (k+1)π/T)). Scaled by πγ the eigenvalues
 * are exactly p(ω_k/2π) = 1/(1 + (ω_k/c)²). Roots are summed until p < λ·10⁻⁶ or 2·10⁵ terms, and
 * the rest by the Szegő tail (there ω_k ≈ (k−1)π/T, one eigenvalue per π/T of ω). The tail is never
 * dropped: its terms are small but ∝ 1/ω², so their sum is ≈ γ²/(λ ξ_K)·2T, not negligible for large λ.
 */
export function cauchyStatisticalDimension(scale: number, T: number, lambda: number): number {
  const c = 2 * Math.PI * scale;
  const maxTerms = 200_000;
  let s = 0;
  let omega = 0;
  for (let k = 1; k <= maxTerms; k++) {
    // Newton on h(ω) = ωT − 2 atan(c/ω) − (k−1)π, h' = T + 2c/(ω² + c²) > 0, from a bracketed start.
    let lo = ((k - 1) * Math.PI) / T;
    let hi = ((k + 1) * Math.PI) / T;
    omega = Math.max(lo + 1e-300, Math.min(hi, ((k - 0.5) * Math.PI) / T));
    for (let it = 0; it < 100; it++) {
      const h = omega * T - 2 * Math.atan(c / omega) - (k - 1) * Math.PI;
      if (h > 0) hi = omega;
      else lo = omega;
      const next = omega - h / (T + (2 * c) / (omega * omega + c * c));
      const bounded = next > lo && next < hi ? next : (lo + hi) / 2;
      if (Math.abs(bounded - omega) <= 1e-14 * omega) {
        omega = bounded;
        break;
      }
      omega = bounded;
    }
    const r = omega / c;
    const p = 1 / (1 + r * r);
    s += p / (p + lambda);
    if (p < lambda * 1e-6) break;
  }
  // Continue at the next root's position: one eigenvalue per π/T in ω, i.e. per 1/(2T) in ξ.
  const xiNext = (omega + Math.PI / (2 * T)) / (2 * Math.PI);
  return s + szegoTail({ type: 'cauchy', scale }, T, lambda, xiNext);
}
