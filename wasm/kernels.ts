// WebAssembly SIMD kernels for ditherdb's hot loops (AssemblyScript; compiled by scripts/build-wasm.mjs into
// src/wasm/kernels.generated.ts). Memory is laid out by the caller (src/wasm/kernels.ts); nothing here allocates.
//
// Encode kernels reproduce the JavaScript kernels in src/rotation.ts and src/quantizer/quantizer.ts operation for
// operation in f64 (WebAssembly f64 arithmetic is IEEE 754 with round-to-nearest and no fused multiply-add), so a
// code encoded here is byte-identical to the one the JavaScript fallback writes — a test checks it.

// ---------------------------------------------------------------------------------------------------------------
// Fast Walsh–Hadamard transform, in place over f64 at ptr[0..n), then × scale. Same butterflies as src/hadamard.ts
// (the radix-4 fusion there adds the same operands in the same order as two radix-2 stages), so results are equal.
// Stages h ≥ 2 pair coordinates j and j + 1 in one f64x2.

function fwhtScaled(ptr: usize, n: i32, scale: f64): void {
  if (n >= 2) {
    for (let i: i32 = 0; i < n; i += 2) {
      const p = ptr + ((<usize>i) << 3);
      const a = load<f64>(p);
      const b = load<f64>(p, 8);
      store<f64>(p, a + b);
      store<f64>(p, a - b, 8);
    }
  }
  for (let h: i32 = 2; h < n; h <<= 1) {
    const hb = (<usize>h) << 3;
    for (let i: i32 = 0; i < n; i += h << 1) {
      let p = ptr + ((<usize>i) << 3);
      const end = p + hb;
      for (; p < end; p += 16) {
        const a = v128.load(p);
        const b = v128.load(p + hb);
        v128.store(p, f64x2.add(a, b));
        v128.store(p + hb, f64x2.sub(a, b));
      }
    }
  }
  if (n >= 2) {
    const c = f64x2.splat(scale);
    for (let i: i32 = 0; i < n; i += 2) {
      const p = ptr + ((<usize>i) << 3);
      v128.store(p, f64x2.mul(v128.load(p), c));
    }
  } else {
    store<f64>(ptr, load<f64>(ptr) * scale);
  }
}

/**
 * Blocked rotation (src/rotation.ts BlockedRotation.apply): per round out[i] = w[π(i)]·s[π(i)], then H_m/√m on the
 * power-of-two blocks that tile d, largest first. x is overwritten (it serves as the round's input buffer).
 * perms: u32[rounds·d]; signs: f64[rounds·d].
 */
export function rotateBlocked(x: usize, out: usize, d: i32, rounds: i32, perms: usize, signs: usize): void {
  for (let r: i32 = 0; r < rounds; r++) {
    const pr = perms + ((<usize>r * <usize>d) << 2);
    const sr = signs + ((<usize>r * <usize>d) << 3);
    for (let i: i32 = 0; i < d; i++) {
      const j = (<usize>load<u32>(pr + ((<usize>i) << 2))) << 3;
      store<f64>(out + ((<usize>i) << 3), load<f64>(x + j) * load<f64>(sr + j));
    }
    let offset: i32 = 0;
    for (let bit: i32 = 1 << (31 - clz<i32>(d)); bit >= 1; bit >>= 1) {
      if ((d & bit) === 0) continue;
      fwhtScaled(out + ((<usize>offset) << 3), bit, 1 / Math.sqrt(<f64>bit));
      offset += bit;
    }
    if (r + 1 < rounds) memory.copy(x, out, (<usize>d) << 3);
  }
}

/** Padded rotation (PaddedRotation.apply): out = x zero-padded to n, then rounds × (signs, H_n/√n). */
export function rotatePadded(x: usize, out: usize, d: i32, n: i32, rounds: i32, signs: usize): void {
  memory.copy(out, x, (<usize>d) << 3);
  memory.fill(out + ((<usize>d) << 3), 0, (<usize>(n - d)) << 3);
  const scale = 1 / Math.sqrt(<f64>n);
  for (let r: i32 = 0; r < rounds; r++) {
    const sr = signs + ((<usize>r * <usize>n) << 3);
    for (let i: i32 = 0; i < n; i++) {
      const p = out + ((<usize>i) << 3);
      store<f64>(p, load<f64>(p) * load<f64>(sr + ((<usize>i) << 3)));
    }
    fwhtScaled(out, n, scale);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Uniform-lattice quantization fused with bit-plane packing (Quantizer.encodeInto + packLevels).
// params (f64): [0] invStep, [1] shift, [2] top, [3] limit, [4] sqrtN; results (f64): [0] ‖y‖², [1] Σ z·clamp(z).
// levels: u8 scratch of ⌈n/8⌉·8 bytes whose tail beyond n stays zero.

// GATHER = 0x0102040810204080 moves bit 0 of byte t to bit 56 + t; the partial products land on distinct bits
// (8t + 56 − 7t' repeats no value for t ≠ t'), so no carries disturb the top byte.
const GATHER: u64 = 0x10204080 | ((<u64>0x01020408) << 32);
const LOW_BITS: u64 = 0x01010101 | ((<u64>0x01010101) << 32);

export function quantizeUniform(
  y: usize,
  n: i32,
  m: i32,
  offsets: usize,
  steps: i32,
  params: usize,
  levels: usize,
  code: usize,
  bits: i32,
  results: usize,
): void {
  let r2: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const v = load<f64>(y + ((<usize>i) << 3));
    r2 += v * v;
  }
  let zClamp: f64 = 0;
  if (r2 > 0) {
    const invStep = load<f64>(params);
    const shift = load<f64>(params, 8);
    const top = load<f64>(params, 16);
    const limit = load<f64>(params, 24);
    const toZ = load<f64>(params, 32) / Math.sqrt(r2);
    const mask = steps - 1;
    const fsteps = <f64>steps;
    for (let i: i32 = 0; i < n; i++) {
      const z = load<f64>(y + ((<usize>i) << 3)) * toZ;
      const u = (<f64>((m + load<i32>(offsets + ((<usize>i) << 2))) & mask) + 0.5) / fsteps;
      const k = Math.floor(z * invStep + shift - u);
      store<u8>(levels + <usize>i, <u8>(<i32>(k < 0 ? 0 : k > top ? top : k)));
      zClamp += z * (z > limit ? limit : z < -limit ? -limit : z);
    }
  } else {
    memory.fill(levels, 0, <usize>n);
  }
  store<f64>(results, r2);
  store<f64>(results, zClamp, 8);
  // Plane p, byte j = bit p of levels[8j..8j+8): one 64-bit multiply gathers the eight bits.
  const planeBytes = (n + 7) >> 3;
  for (let j: i32 = 0; j < planeBytes; j++) {
    const word = load<u64>(levels + ((<usize>j) << 3));
    for (let p: i32 = 0; p < bits; p++) {
      store<u8>(code + <usize>(p * planeBytes + j), <u8>((((word >> <u64>p) & LOW_BITS) * GATHER) >> 56));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Estimator scan for the uniform lattice: out[c] = Σ_i k_i·Q_i for `count` contiguous bit-plane codes, where the
// caller quantised q' to Q_i = 2^15·qh_i + ql_i (|qh|, |ql| ≤ 2^14; see src/wasm/kernels.ts for the error bound).
//
// A 16-byte load of plane p covers coordinates 8(16c + l) + t (l = 0…15, t = 0…7) of chunk c; for each t the
// levels k of those 16 coordinates are assembled as bytes, Σ_p ((plane_p >> t) & 1) << p, widened to i16 and
// multiplied into i32 with i32x4.dot_i16x8_s. qh/ql are stored in that order: ((c·8 + t)·16 + l). Lanes of a
// chunk past n read neighbouring bytes (the next plane or the next code), which meet Q = 0 there.
// Lane sums stay below 2^31: per chunk and lane 32 products of ≤ 255·2^14.

export function scanUniform(
  codes: usize,
  count: i32,
  bytesPerCode: i32,
  planeBytes: i32,
  bits: i32,
  qh: usize,
  ql: usize,
  chunks: i32,
  out: usize,
): void {
  const one = i8x16.splat(1);
  for (let c: i32 = 0; c < count; c++) {
    const code = codes + <usize>(c * bytesPerCode);
    let totalH: i64 = 0;
    let totalL: i64 = 0;
    for (let ch: i32 = 0; ch < chunks; ch++) {
      let accH = i32x4.splat(0);
      let accL = i32x4.splat(0);
      const base = code + <usize>(ch << 4);
      const qBase = <usize>(ch << 8); // 128 i16 = 256 bytes per chunk
      for (let t: i32 = 0; t < 8; t++) {
        let k = v128.and(i8x16.shr_u(v128.load(base), t), one);
        for (let p: i32 = 1; p < bits; p++) {
          const plane = v128.load(base + <usize>(p * planeBytes));
          k = v128.or(k, i8x16.shl(v128.and(i8x16.shr_u(plane, t), one), p));
        }
        const lo = i16x8.extend_low_i8x16_u(k);
        const hi = i16x8.extend_high_i8x16_u(k);
        const q = qBase + ((<usize>t) << 5);
        accH = i32x4.add(accH, i32x4.dot_i16x8_s(lo, v128.load(qh + q)));
        accH = i32x4.add(accH, i32x4.dot_i16x8_s(hi, v128.load(qh + q + 16)));
        accL = i32x4.add(accL, i32x4.dot_i16x8_s(lo, v128.load(ql + q)));
        accL = i32x4.add(accL, i32x4.dot_i16x8_s(hi, v128.load(ql + q + 16)));
      }
      totalH += <i64>(
        (i32x4.extract_lane(accH, 0) +
          i32x4.extract_lane(accH, 1) +
          i32x4.extract_lane(accH, 2) +
          i32x4.extract_lane(accH, 3))
      );
      totalL += <i64>(
        (i32x4.extract_lane(accL, 0) +
          i32x4.extract_lane(accL, 1) +
          i32x4.extract_lane(accL, 2) +
          i32x4.extract_lane(accL, 3))
      );
    }
    store<f64>(out + ((<usize>c) << 3), <f64>totalH * 32768 + <f64>totalL);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Plain Float32 dot products of `count` contiguous rows against one query (the benchmark's baseline, and a
// reference for what a SIMD lane count buys). out[c] = Σ_i a[c·d + i]·q[i], accumulated in f32x4.

export function dotF32(rows: usize, count: i32, d: i32, q: usize, out: usize): void {
  for (let c: i32 = 0; c < count; c++) {
    const row = rows + ((<usize>c * <usize>d) << 2);
    let acc = f32x4.splat(0);
    let i: i32 = 0;
    for (; i + 4 <= d; i += 4) {
      acc = f32x4.add(acc, f32x4.mul(v128.load(row + ((<usize>i) << 2)), v128.load(q + ((<usize>i) << 2))));
    }
    let s: f32 =
      f32x4.extract_lane(acc, 0) +
      f32x4.extract_lane(acc, 1) +
      f32x4.extract_lane(acc, 2) +
      f32x4.extract_lane(acc, 3);
    for (; i < d; i++) s += load<f32>(row + ((<usize>i) << 2)) * load<f32>(q + ((<usize>i) << 2));
    store<f32>(out + ((<usize>c) << 2), s);
  }
}
