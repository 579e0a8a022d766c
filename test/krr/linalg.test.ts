import { describe, expect, it } from 'vitest';
import { GramAccumulator } from '../../src/krr/gram.js';
import { ridgeCg, ridgeCholesky } from '../../src/krr/solve.js';
import { Rng } from '../../src/rng.js';

function randomMatrix(rows: number, cols: number, seed: number): Float64Array {
  const rng = new Rng(seed, 1);
  return Float64Array.from({ length: rows * cols }, () => rng.gaussian());
}

describe('Gram accumulation and ridge solvers', () => {
  it('accumulates ZᵀZ and ZᵀY over chunks exactly as the naive sums (D not a multiple of the tile)', () => {
    const n = 70;
    const D = 13;
    const K = 3;
    const z = randomMatrix(n, D, 1);
    const y = randomMatrix(n, K, 2);
    const acc = new GramAccumulator(D, K, 32);
    for (let r = 0; r < n; r += 32) {
      const e = Math.min(n, r + 32);
      acc.add(z.subarray(r * D, e * D), y.subarray(r * K, e * K), e - r);
    }
    const g = acc.gram();
    const b = acc.rhs();
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += z[r * D + i]! * z[r * D + j]!;
        expect(g[i * D + j]).toBeCloseTo(s, 10);
      }
      for (let c = 0; c < K; c++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += z[r * D + i]! * y[r * K + c]!;
        expect(b[i * K + c]).toBeCloseTo(s, 10);
      }
    }
  });

  it('Cholesky and conjugate gradient solve (ZᵀZ + λI)w = Zᵀy to the same w, which zeroes the gradient', () => {
    const n = 200;
    const D = 40;
    const K = 2;
    const lambda = 0.5;
    const z = randomMatrix(n, D, 3);
    const y = randomMatrix(n, K, 4);
    const acc = new GramAccumulator(D, K, n);
    acc.add(z, y, n);
    const g = acc.gram();
    const b = acc.rhs();
    const w = ridgeCholesky(g, D, b, K, lambda);
    // Gradient of ‖Zw − y‖² + λ‖w‖²: 2(Gw − b + λw) = 0.
    for (let c = 0; c < K; c++)
      for (let i = 0; i < D; i++) {
        let s = lambda * w[i * K + c]! - b[i * K + c]!;
        for (let j = 0; j < D; j++) s += g[i * D + j]! * w[j * K + c]!;
        expect(Math.abs(s)).toBeLessThan(1e-9);
      }
    const diag = Float64Array.from({ length: D }, (_, i) => g[i * D + i]!);
    const apply = (v: Float64Array, out: Float64Array) => {
      for (let i = 0; i < D; i++) {
        let s = 0;
        for (let j = 0; j < D; j++) s += g[i * D + j]! * v[j]!;
        out[i] = s;
      }
    };
    const cg = ridgeCg(apply, diag, D, b, K, lambda, 1e-12, 500);
    expect(cg.residual).toBeLessThan(1e-10);
    for (let i = 0; i < D * K; i++) expect(cg.w[i]).toBeCloseTo(w[i]!, 8);
  });
});
