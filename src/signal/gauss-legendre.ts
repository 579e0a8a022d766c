/**
 * Gauss–Legendre quadrature on [a, b]: nodes x_i and weights w_i with Σ w_i f(x_i) = ∫_a^b f exact for
 * polynomials of degree ≤ 2n − 1. The Nyström discretisation of the kernel operator uses it because the
 * eigenvalues of D^{1/2} K D^{1/2} (K_ij = k(x_i − x_j), D = diag(w)) converge to those of the integral
 * operator spectrally fast for analytic kernels (sinc, Gaussian), and still converge for the Cauchy
 * prior's exp(−|τ|) kernel.
 * Nodes by Newton's method on the three-term recurrence of P_n from Tricomi's initial guesses; O(n²) total.
 */
export function gaussLegendre(
  n: number,
  a: number,
  b: number,
): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const mid = (a + b) / 2;
  const half = (b - a) / 2;
  const m = Math.floor((n + 1) / 2);
  for (let i = 0; i < m; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      // P_n'(x) = n (x P_n − P_{n−1}) / (x² − 1)
      const pn = n === 1 ? x : p1;
      const pnm1 = n === 1 ? 1 : p0;
      dp = (n * (x * pn - pnm1)) / (x * x - 1);
      const dx = pn / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    const w = 2 / ((1 - x * x) * dp * dp);
    nodes[i] = mid - half * x;
    nodes[n - 1 - i] = mid + half * x;
    weights[i] = half * w;
    weights[n - 1 - i] = half * w;
  }
  return { nodes, weights };
}
