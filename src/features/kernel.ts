import { assertArg } from '../errors.js';

/**
 * Shift-invariant kernels served by the random-feature maps, with their exact values (for exact kernel ridge
 * regression and for the tests that measure how well features approximate them).
 *
 * Conventions (bandwidth σ, called the length scale ℓ for Matérn):
 * - gaussian:  k(x, y) = exp(−‖x − y‖² / 2σ²)
 * - laplacian: k(x, y) = exp(−‖x − y‖₁ / σ)  — the ℓ1 Laplacian of Rahimi & Recht (2007, Fig. 1), a product
 *   of one-dimensional exponentials; the isotropic exp(−‖x − y‖₂ / ℓ) is Matérn with ν = 1/2.
 * - matern:    k(r) = 2^{1−ν}/Γ(ν) (√(2ν) r/ℓ)^ν K_ν(√(2ν) r/ℓ), r = ‖x − y‖₂, for the half-integer ν ∈ {1/2, 3/2,
 *   5/2}, where it has the closed forms below (Rasmussen & Williams 2006, eqs. 4.16–4.17).
 */
export type KernelKind = 'gaussian' | 'laplacian' | 'matern';
export type MaternNu = 0.5 | 1.5 | 2.5;

export interface KernelSpec {
  kind: KernelKind;
  bandwidth: number;
  /** Matérn smoothness; required for `matern`, ignored otherwise. */
  nu?: MaternNu;
}

export const MATERN_NUS: readonly number[] = [0.5, 1.5, 2.5];

export function validateKernel(spec: KernelSpec): void {
  assertArg(
    spec.kind === 'gaussian' || spec.kind === 'laplacian' || spec.kind === 'matern',
    'INVALID_ARGUMENT',
    `kernel must be 'gaussian', 'laplacian' or 'matern'`,
  );
  assertArg(
    typeof spec.bandwidth === 'number' && Number.isFinite(spec.bandwidth) && spec.bandwidth > 0,
    'INVALID_ARGUMENT',
    'kernel bandwidth must be a finite positive number',
  );
  if (spec.kind === 'matern')
    assertArg(
      spec.nu !== undefined && MATERN_NUS.includes(spec.nu),
      'INVALID_ARGUMENT',
      'matern kernel needs nu ∈ {0.5, 1.5, 2.5}',
    );
}

/** Isotropic Matérn profile k(r) for half-integer ν (Rasmussen & Williams 2006, eq. 4.17). */
export function maternProfile(nu: MaternNu, r: number, lengthScale: number): number {
  if (nu === 0.5) return Math.exp(-r / lengthScale);
  if (nu === 1.5) {
    const a = (Math.sqrt(3) * r) / lengthScale;
    return (1 + a) * Math.exp(-a);
  }
  const a = (Math.sqrt(5) * r) / lengthScale;
  return (1 + a + (a * a) / 3) * Math.exp(-a);
}

/** k(x_i, y_j) for rows i of `a` and j of `b` (row-major, `dim` columns). */
export function kernelValue(
  spec: KernelSpec,
  a: ArrayLike<number>,
  aOffset: number,
  b: ArrayLike<number>,
  bOffset: number,
  dim: number,
): number {
  if (spec.kind === 'laplacian') {
    let s = 0;
    for (let k = 0; k < dim; k++) s += Math.abs(a[aOffset + k]! - b[bOffset + k]!);
    return Math.exp(-s / spec.bandwidth);
  }
  let s = 0;
  for (let k = 0; k < dim; k++) {
    const t = a[aOffset + k]! - b[bOffset + k]!;
    s += t * t;
  }
  if (spec.kind === 'gaussian') return Math.exp(-s / (2 * spec.bandwidth * spec.bandwidth));
  return maternProfile(spec.nu ?? 0.5, Math.sqrt(s), spec.bandwidth);
}

/** One-dimensional profile k₁(s) of a kernel along one coordinate (|δ| = s), used by the binning features. */
export function kernelProfile1d(spec: KernelSpec, s: number): number {
  if (spec.kind === 'gaussian') return Math.exp(-(s * s) / (2 * spec.bandwidth * spec.bandwidth));
  if (spec.kind === 'laplacian') return Math.exp(-Math.abs(s) / spec.bandwidth);
  return maternProfile(spec.nu ?? 0.5, Math.abs(s), spec.bandwidth);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error < 1e-13 on the half-integers used here). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let s = c[0]!;
  for (let i = 1; i < 9; i++) s += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
