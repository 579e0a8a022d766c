import type { Rng } from '../rng.js';
import { type KernelSpec, logGamma } from './kernel.js';

/**
 * Frequencies ω ~ p(ω), the Fourier transform of the kernel (Bochner's theorem), for random Fourier features
 * z(x) = √(2/D) cos(ωᵀx + b), b ~ U[0, 2π) (Rahimi & Recht 2007, "Random Features for Large-Scale Kernel
 * Machines", Algorithm 1), so that E[z(x)ᵀz(y)] = k(x − y).
 *
 * - gaussian exp(−‖δ‖²/2σ²): p = N(0, σ⁻² I) (Rahimi & Recht, Fig. 1).
 * - laplacian exp(−‖δ‖₁/σ): p = ∏ Cauchy(0, 1/σ), i.e. ∏ 1/(π σ⁻¹ (1 + (σω_k)²)) (Rahimi & Recht, Fig. 1).
 * - matern (ν, ℓ): p(ω) ∝ (2ν/ℓ² + ‖ω‖²)^{−(ν + d/2)} (Rasmussen & Williams 2006, eq. 4.15 in angular
 *   frequency), a multivariate Student t with 2ν degrees of freedom and scale 1/ℓ: ω = g/(ℓ √(u/2ν)),
 *   g ~ N(0, I), u ~ χ²_{2ν}. For the half-integers ν ∈ {1/2, 3/2, 5/2}, 2ν is an integer and u is a sum of 2ν
 *   squared standard normals.
 */
export function sampleFrequency(
  spec: KernelSpec,
  dim: number,
  rng: Rng,
  out: Float64Array,
  stride: number,
  offset: number,
): void {
  const inv = 1 / spec.bandwidth;
  if (spec.kind === 'gaussian') {
    for (let k = 0; k < dim; k++) out[offset + k * stride] = rng.gaussian() * inv;
    return;
  }
  if (spec.kind === 'laplacian') {
    for (let k = 0; k < dim; k++) {
      // Inverse CDF of the Cauchy law; next() ∈ [0, 1) so the argument stays inside (−π/2, π/2].
      let u = rng.next();
      if (u === 0) u = 0.5;
      out[offset + k * stride] = Math.tan(Math.PI * (u - 0.5)) * inv;
    }
    return;
  }
  const dof = 2 * (spec.nu ?? 0.5);
  let chi2 = 0;
  for (let i = 0; i < dof; i++) {
    const g = rng.gaussian();
    chi2 += g * g;
  }
  const scale = inv / Math.sqrt(chi2 / dof);
  for (let k = 0; k < dim; k++) out[offset + k * stride] = rng.gaussian() * scale;
}

/** True for the kernels whose spectral density depends on ‖ω‖ only (needed by the leverage sampler). */
export function isIsotropic(spec: KernelSpec): boolean {
  return spec.kind === 'gaussian' || spec.kind === 'matern';
}

/**
 * ln p(ω) at ‖ω‖ = r for the isotropic kernels, normalised over R^d.
 * gaussian: −(d/2) ln 2π + d ln σ − σ²r²/2.
 * matern: multivariate t with ν' = 2ν, Σ = ℓ⁻² I: ln Γ((ν'+d)/2) − ln Γ(ν'/2) − (d/2) ln(ν'π) + d ln ℓ
 *         − ((ν'+d)/2) ln(1 + ℓ²r²/ν').
 */
export function logSpectralDensity(spec: KernelSpec, dim: number, r: number): number {
  const s = spec.bandwidth;
  if (spec.kind === 'gaussian')
    return -0.5 * dim * Math.log(2 * Math.PI) + dim * Math.log(s) - 0.5 * s * s * r * r;
  const dof = 2 * (spec.nu ?? 0.5);
  return (
    logGamma((dof + dim) / 2) -
    logGamma(dof / 2) -
    0.5 * dim * Math.log(dof * Math.PI) +
    dim * Math.log(s) -
    0.5 * (dof + dim) * Math.log1p((s * s * r * r) / dof)
  );
}
