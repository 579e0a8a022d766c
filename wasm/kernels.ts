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
  if (n < 4) {
    if (n === 2) {
      const a = load<f64>(ptr);
      const b = load<f64>(ptr, 8);
      store<f64>(ptr, (a + b) * scale);
      store<f64>(ptr, (a - b) * scale, 8);
    } else if (n === 1) store<f64>(ptr, load<f64>(ptr) * scale);
    return;
  }
  // Stages h = 1 and h = 2 on groups of four: [a, b] and [c, d] → [a+b, a−b], [c+d, c−d] → their sum and difference.
  const single = n === 4;
  const c4 = f64x2.splat(scale);
  for (let i: i32 = 0; i < n; i += 4) {
    const p = ptr + ((<usize>i) << 3);
    const v0 = v128.load(p);
    const v1 = v128.load(p, 16);
    const s0 = f64x2.add(v0, i64x2.shuffle(v0, v0, 1, 0));
    const d0 = f64x2.sub(v0, i64x2.shuffle(v0, v0, 1, 0));
    const s1 = f64x2.add(v1, i64x2.shuffle(v1, v1, 1, 0));
    const d1 = f64x2.sub(v1, i64x2.shuffle(v1, v1, 1, 0));
    const w0 = i64x2.shuffle(s0, d0, 0, 2); // [a+b, a−b]
    const w1 = i64x2.shuffle(s1, d1, 0, 2);
    let o0 = f64x2.add(w0, w1);
    let o1 = f64x2.sub(w0, w1);
    if (single) {
      o0 = f64x2.mul(o0, c4);
      o1 = f64x2.mul(o1, c4);
    }
    v128.store(p, o0);
    v128.store(p, o1, 16);
  }
  // Then two stages per pass (h, 2h) while they fit, a last radix-2 stage if log2 n is odd; the final pass also
  // applies the scale — the same product (sum)·scale as a separate pass, so the same rounding.
  let h: i32 = 4;
  const c = f64x2.splat(scale);
  for (; h * 4 <= n; h <<= 2) {
    const last = h * 4 === n;
    const hb = (<usize>h) << 3;
    for (let i: i32 = 0; i < n; i += h << 2) {
      let p = ptr + ((<usize>i) << 3);
      const end = p + hb;
      for (; p < end; p += 16) {
        const a = v128.load(p);
        const b = v128.load(p + hb);
        const e = v128.load(p + 2 * hb);
        const d = v128.load(p + 3 * hb);
        const s0 = f64x2.add(a, b);
        const d0 = f64x2.sub(a, b);
        const s1 = f64x2.add(e, d);
        const d1 = f64x2.sub(e, d);
        let r0 = f64x2.add(s0, s1);
        let r1 = f64x2.add(d0, d1);
        let r2 = f64x2.sub(s0, s1);
        let r3 = f64x2.sub(d0, d1);
        if (last) {
          r0 = f64x2.mul(r0, c);
          r1 = f64x2.mul(r1, c);
          r2 = f64x2.mul(r2, c);
          r3 = f64x2.mul(r3, c);
        }
        v128.store(p, r0);
        v128.store(p + hb, r1);
        v128.store(p + 2 * hb, r2);
        v128.store(p + 3 * hb, r3);
      }
    }
  }
  if (h < n) {
    const hb = (<usize>h) << 3;
    let p = ptr;
    const end = p + hb;
    for (; p < end; p += 16) {
      const a = v128.load(p);
      const b = v128.load(p + hb);
      v128.store(p, f64x2.mul(f64x2.add(a, b), c));
      v128.store(p + hb, f64x2.mul(f64x2.sub(a, b), c));
    }
  }
}

/**
 * x[0..d) ← f64(v) − f64(c) (c = 0 when center is 0) for f32 inputs, and returns Σ f64(v)² summed in index order,
 * as Quantizer.encodeInto does in JavaScript (f32 → f64 is exact, so the results are identical).
 */
export function loadResidualF32(v: usize, center: usize, d: i32, x: usize): f64 {
  let sq: f64 = 0;
  for (let i: i32 = 0; i < d; i++) {
    const a = <f64>load<f32>(v + ((<usize>i) << 2));
    sq += a * a;
    store<f64>(x + ((<usize>i) << 3), center === 0 ? a : a - <f64>load<f32>(center + ((<usize>i) << 2)));
  }
  return sq;
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
  // Even and odd coordinates summed apart in the two lanes, as the JavaScript kernel does.
  let vr = f64x2.splat(0);
  let j: i32 = 0;
  for (; j + 2 <= n; j += 2) {
    const v = v128.load(y + ((<usize>j) << 3));
    vr = f64x2.add(vr, f64x2.mul(v, v));
  }
  let r0 = f64x2.extract_lane(vr, 0);
  if (j < n) {
    const v = load<f64>(y + ((<usize>j) << 3));
    r0 += v * v;
  }
  const r2 = r0 + f64x2.extract_lane(vr, 1);
  let zEven: f64 = 0;
  let zOdd: f64 = 0;
  if (r2 > 0) {
    const invStep = load<f64>(params);
    const shift = load<f64>(params, 8);
    const top = load<f64>(params, 16);
    const limit = load<f64>(params, 24);
    const toZ = load<f64>(params, 32) / Math.sqrt(r2);
    const mask = steps - 1;
    // steps is a power of two, so × 1/steps is exactly ÷ steps (the JavaScript kernel's form), minus a division.
    const invSteps = 1 / <f64>steps;
    // Two coordinates per f64x2: the same operations per lane as the scalar form below (pmin/pmax select exactly
    // like the ternaries), and Σ z·clamp(z) still added lane by lane in index order.
    const vInvStep = f64x2.splat(invStep);
    const vShift = f64x2.splat(shift);
    const vTop = f64x2.splat(top);
    const vZero = f64x2.splat(0);
    const vLimit = f64x2.splat(limit);
    const vNegLimit = f64x2.splat(-limit);
    const vToZ = f64x2.splat(toZ);
    const vHalf = f64x2.splat(0.5);
    const vInvSteps = f64x2.splat(invSteps);
    const vm = i32x4.splat(m);
    const vMask = i32x4.splat(mask);
    let vz = f64x2.splat(0);
    let i: i32 = 0;
    for (; i + 2 <= n; i += 2) {
      const z = f64x2.mul(v128.load(y + ((<usize>i) << 3)), vToZ);
      const o = v128.and(i32x4.add(v128.load64_zero(offsets + ((<usize>i) << 2)), vm), vMask);
      const u = f64x2.mul(f64x2.add(f64x2.convert_low_i32x4_s(o), vHalf), vInvSteps);
      const k = f64x2.floor(f64x2.sub(f64x2.add(f64x2.mul(z, vInvStep), vShift), u));
      const level = i32x4.trunc_sat_f64x2_s_zero(f64x2.pmin(vTop, f64x2.pmax(vZero, k)));
      store<u8>(levels + <usize>i, <u8>i32x4.extract_lane(level, 0));
      store<u8>(levels + <usize>i, <u8>i32x4.extract_lane(level, 1), 1);
      vz = f64x2.add(vz, f64x2.mul(z, f64x2.pmax(vNegLimit, f64x2.pmin(vLimit, z))));
    }
    zEven = f64x2.extract_lane(vz, 0);
    zOdd = f64x2.extract_lane(vz, 1);
    for (; i < n; i++) {
      const z = load<f64>(y + ((<usize>i) << 3)) * toZ;
      const u = (<f64>((m + load<i32>(offsets + ((<usize>i) << 2))) & mask) + 0.5) * invSteps;
      const k = Math.floor(z * invStep + shift - u);
      store<u8>(levels + <usize>i, <u8>(<i32>(k < 0 ? 0 : k > top ? top : k)));
      zEven += z * (z > limit ? limit : z < -limit ? -limit : z); // i = n − 1 is even here
    }
  } else {
    memory.fill(levels, 0, <usize>n);
  }
  store<f64>(results, r2);
  store<f64>(results, zEven + zOdd, 8);
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
  const zero = i32x4.splat(0);
  const pb = <usize>planeBytes;
  for (let c: i32 = 0; c < count; c++) {
    const code = codes + <usize>(c * bytesPerCode);
    let totalH: i64 = 0;
    let totalL: i64 = 0;
    let accH = zero;
    let accL = zero;
    for (let ch: i32 = 0; ch < chunks; ch++) {
      const base = code + <usize>(ch << 4);
      const qhc = qh + <usize>(ch << 8); // 128 i16 = 256 bytes per chunk
      const qlc = ql + <usize>(ch << 8);
      // Levels of all eight t at once: a bit-matrix transpose of each group of four planes into nibbles (missing
      // planes of a group read as zero; at 1 bit the scan stays on the byte table, see src/quantizer/prepared.ts).
      let k0 = zero;
      let k1 = zero;
      let k2 = zero;
      let k3 = zero;
      let k4 = zero;
      let k5 = zero;
      let k6 = zero;
      let k7 = zero;
      let lo = zero;
      let hi = zero;
      for (let g: i32 = 0; g < bits; g += 4) {
        const at = base + <usize>g * pb;
        const p0 = v128.load(at);
        const p1 = g + 1 < bits ? v128.load(at + pb) : zero;
        const p2 = g + 2 < bits ? v128.load(at + 2 * pb) : zero;
        const p3 = g + 3 < bits ? v128.load(at + 3 * pb) : zero;
        // 2-bit fields: x01 field i = (bit 2i of p0, bit 2i of p1), y01 field i = the bits 2i + 1.
        const x01 = v128.or(v128.and(p0, m55), i8x16.shl(v128.and(p1, m55), 1));
        const y01 = v128.or(v128.and(i8x16.shr_u(p0, 1), m55), v128.and(p1, mAA));
        const x23 = v128.or(v128.and(p2, m55), i8x16.shl(v128.and(p3, m55), 1));
        const y23 = v128.or(v128.and(i8x16.shr_u(p2, 1), m55), v128.and(p3, mAA));
        // 4-bit fields: low nibble holds the level bits of t = 0 (xa), 2 (xb), 1 (ya), 3 (yb); high nibble t + 4.
        const xa = v128.or(v128.and(x01, m33), i8x16.shl(v128.and(x23, m33), 2));
        const xb = v128.or(v128.and(i8x16.shr_u(x01, 2), m33), v128.and(x23, mCC));
        const ya = v128.or(v128.and(y01, m33), i8x16.shl(v128.and(y23, m33), 2));
        const yb = v128.or(v128.and(i8x16.shr_u(y01, 2), m33), v128.and(y23, mCC));
        const s = g; // 0 or 4: where this group's bits go in k
        k0 = v128.or(k0, i8x16.shl(v128.and(xa, m0F), s));
        k4 = v128.or(k4, i8x16.shl(i8x16.shr_u(xa, 4), s));
        k2 = v128.or(k2, i8x16.shl(v128.and(xb, m0F), s));
        k6 = v128.or(k6, i8x16.shl(i8x16.shr_u(xb, 4), s));
        k1 = v128.or(k1, i8x16.shl(v128.and(ya, m0F), s));
        k5 = v128.or(k5, i8x16.shl(i8x16.shr_u(ya, 4), s));
        k3 = v128.or(k3, i8x16.shl(v128.and(yb, m0F), s));
        k7 = v128.or(k7, i8x16.shl(i8x16.shr_u(yb, 4), s));
      }
      lo = i16x8.extend_low_i8x16_u(k0);
      hi = i16x8.extend_high_i8x16_u(k0);
      accH = dotWide(accH, lo, hi, qhc);
      accL = dotWide(accL, lo, hi, qlc);
      lo = i16x8.extend_low_i8x16_u(k1);
      hi = i16x8.extend_high_i8x16_u(k1);
      accH = dotWide(accH, lo, hi, qhc + 32);
      accL = dotWide(accL, lo, hi, qlc + 32);
      lo = i16x8.extend_low_i8x16_u(k2);
      hi = i16x8.extend_high_i8x16_u(k2);
      accH = dotWide(accH, lo, hi, qhc + 64);
      accL = dotWide(accL, lo, hi, qlc + 64);
      lo = i16x8.extend_low_i8x16_u(k3);
      hi = i16x8.extend_high_i8x16_u(k3);
      accH = dotWide(accH, lo, hi, qhc + 96);
      accL = dotWide(accL, lo, hi, qlc + 96);
      lo = i16x8.extend_low_i8x16_u(k4);
      hi = i16x8.extend_high_i8x16_u(k4);
      accH = dotWide(accH, lo, hi, qhc + 128);
      accL = dotWide(accL, lo, hi, qlc + 128);
      lo = i16x8.extend_low_i8x16_u(k5);
      hi = i16x8.extend_high_i8x16_u(k5);
      accH = dotWide(accH, lo, hi, qhc + 160);
      accL = dotWide(accL, lo, hi, qlc + 160);
      lo = i16x8.extend_low_i8x16_u(k6);
      hi = i16x8.extend_high_i8x16_u(k6);
      accH = dotWide(accH, lo, hi, qhc + 192);
      accL = dotWide(accL, lo, hi, qlc + 192);
      lo = i16x8.extend_low_i8x16_u(k7);
      hi = i16x8.extend_high_i8x16_u(k7);
      accH = dotWide(accH, lo, hi, qhc + 224);
      accL = dotWide(accL, lo, hi, qlc + 224);
      // Per lane and chunk: 32 products of ≤ 255·2^14 (< 2^27); flushing every 8 chunks keeps lanes < 2^31.
      if ((ch & 7) === 7 || ch + 1 === chunks) {
        totalH += laneSum(accH);
        totalL += laneSum(accL);
        accH = zero;
        accL = zero;
      }
    }
    store<f64>(out + ((<usize>c) << 3), <f64>totalH * 32768 + <f64>totalL);
  }
}

const m55 = i8x16.splat(0x55);
const mAA = i8x16.splat(<i8>0xaa);
const m33 = i8x16.splat(0x33);
const mCC = i8x16.splat(<i8>0xcc);
const m0F = i8x16.splat(0x0f);

/** acc + Σ over 16 levels (widened to i16: lo = lanes 0…7, hi = 8…15) times the 16 i16 at q, in i32x4 lanes. */
function dotWide(acc: v128, lo: v128, hi: v128, q: usize): v128 {
  return i32x4.add(
    acc,
    i32x4.add(i32x4.dot_i16x8_s(lo, v128.load(q)), i32x4.dot_i16x8_s(hi, v128.load(q, 16))),
  );
}

function laneSum(v: v128): i64 {
  return (
    <i64>i32x4.extract_lane(v, 0) +
    <i64>i32x4.extract_lane(v, 1) +
    <i64>i32x4.extract_lane(v, 2) +
    <i64>i32x4.extract_lane(v, 3)
  );
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
