import { fwht, nextPowerOfTwo, powerOfTwoBlocks } from './hadamard.js';
import { Rng } from './rng.js';

export type RotationKind = 'padded' | 'blocked';

/**
 * A randomized Hadamard rotation R: orthogonal, so ⟨Rq, Rx⟩ = ⟨q, x⟩ and ‖Rx‖ = ‖x‖, and it spreads any
 * vector's energy so that each rotated coordinate is ≈ N(0, ‖x‖²/n) — the property the scalar quantizers rely on.
 *
 * `padded` (the seed paper's setting): zero-pad to n = 2^⌈log2 d⌉, then `rounds` × (random signs, H_n/√n).
 * `blocked`: n = d; each round applies random signs, a random permutation, then H_m/√m on the power-of-two
 * blocks that tile d (784 = 512 + 256 + 16). No padding, so b bits per coordinate are b bits per dimension;
 * the permutation between rounds mixes energy across blocks.
 */
export interface Rotation {
  readonly kind: RotationKind;
  readonly dimension: number;
  /** Length of the rotated vector: 2^⌈log2 d⌉ for `padded`, d for `blocked`. */
  readonly outputDimension: number;
  readonly rounds: number;
  /** out[0..n) ← R·x. `x` has `dimension` entries; `out` must hold `outputDimension`. */
  apply(x: ArrayLike<number>, out: Float64Array): void;
  /** out[0..d) ← first d entries of Rᵀ·y (for `padded`, the padding coordinates are dropped). */
  invert(y: ArrayLike<number>, out: Float64Array): void;
  /** Each round's ±1 signs (length n), for kernels that apply R elsewhere (src/wasm). */
  readonly signs: readonly Float64Array[];
  /** Each round's permutation π (`blocked` only; empty for `padded`). */
  readonly perms: readonly Uint32Array[];
}

export function createRotation(
  dimension: number,
  kind: RotationKind,
  rounds: number,
  seed: number,
): Rotation {
  return kind === 'padded'
    ? new PaddedRotation(dimension, rounds, seed)
    : new BlockedRotation(dimension, rounds, seed);
}

class PaddedRotation implements Rotation {
  readonly kind = 'padded' as const;
  readonly outputDimension: number;
  readonly signs: Float64Array[] = [];
  readonly perms: Uint32Array[] = [];
  private readonly scale: number;
  private readonly work: Float64Array;

  constructor(
    readonly dimension: number,
    readonly rounds: number,
    seed: number,
  ) {
    const n = nextPowerOfTwo(dimension);
    this.outputDimension = n;
    this.scale = 1 / Math.sqrt(n);
    this.work = new Float64Array(n);
    const rng = new Rng(seed, 0x52_4f_54);
    for (let r = 0; r < rounds; r++) {
      const s = new Float64Array(n);
      for (let i = 0; i < n; i++) s[i] = rng.sign();
      this.signs.push(s);
    }
  }

  apply(x: ArrayLike<number>, out: Float64Array): void {
    const n = this.outputDimension;
    const d = this.dimension;
    for (let i = 0; i < d; i++) out[i] = x[i]!;
    out.fill(0, d, n);
    for (let r = 0; r < this.rounds; r++) {
      const s = this.signs[r]!;
      for (let i = 0; i < n; i++) out[i] = out[i]! * s[i]!;
      fwht(out, 0, n);
      const c = this.scale;
      for (let i = 0; i < n; i++) out[i] = out[i]! * c;
    }
  }

  invert(y: ArrayLike<number>, out: Float64Array): void {
    const n = this.outputDimension;
    const w = this.work;
    for (let i = 0; i < n; i++) w[i] = y[i]!;
    for (let r = this.rounds - 1; r >= 0; r--) {
      fwht(w, 0, n);
      const s = this.signs[r]!;
      const c = this.scale;
      for (let i = 0; i < n; i++) w[i] = w[i]! * c * s[i]!;
    }
    for (let i = 0; i < this.dimension; i++) out[i] = w[i]!;
  }
}

class BlockedRotation implements Rotation {
  readonly kind = 'blocked' as const;
  readonly outputDimension: number;
  readonly signs: Float64Array[] = [];
  readonly perms: Uint32Array[] = [];
  private readonly blocks: { offset: number; size: number; scale: number }[] = [];
  private readonly work: Float64Array;

  constructor(
    readonly dimension: number,
    readonly rounds: number,
    seed: number,
  ) {
    this.outputDimension = dimension;
    this.work = new Float64Array(dimension);
    let offset = 0;
    for (const size of powerOfTwoBlocks(dimension)) {
      this.blocks.push({ offset, size, scale: 1 / Math.sqrt(size) });
      offset += size;
    }
    const rng = new Rng(seed, 0x42_4c_4b);
    for (let r = 0; r < rounds; r++) {
      const s = new Float64Array(dimension);
      for (let i = 0; i < dimension; i++) s[i] = rng.sign();
      this.signs.push(s);
      this.perms.push(rng.permutation(dimension));
    }
  }

  // One round: out = B · P · S · in, with (P v)_i = v_{π(i)}.
  apply(x: ArrayLike<number>, out: Float64Array): void {
    const d = this.dimension;
    const w = this.work;
    for (let i = 0; i < d; i++) w[i] = x[i]!;
    for (let r = 0; r < this.rounds; r++) {
      const s = this.signs[r]!;
      const p = this.perms[r]!;
      for (let i = 0; i < d; i++) {
        const j = p[i]!;
        out[i] = w[j]! * s[j]!;
      }
      this.blockHadamard(out);
      if (r + 1 < this.rounds) w.set(out.subarray(0, d));
    }
  }

  // Inverse round: in = S · Pᵀ · B · out (B is symmetric and orthogonal, so it is its own inverse).
  invert(y: ArrayLike<number>, out: Float64Array): void {
    const d = this.dimension;
    const w = this.work;
    for (let i = 0; i < d; i++) w[i] = y[i]!;
    for (let r = this.rounds - 1; r >= 0; r--) {
      this.blockHadamard(w);
      const s = this.signs[r]!;
      const p = this.perms[r]!;
      for (let i = 0; i < d; i++) {
        const j = p[i]!;
        out[j] = w[i]! * s[j]!;
      }
      if (r > 0) w.set(out.subarray(0, d));
    }
  }

  private blockHadamard(v: Float64Array): void {
    for (const b of this.blocks) {
      fwht(v, b.offset, b.size);
      const c = b.scale;
      for (let i = b.offset, end = b.offset + b.size; i < end; i++) v[i] = v[i]! * c;
    }
  }
}
