/**
 * Bit-plane packing of b-bit codes. Plane p (0 = least significant) occupies bytes [p·B, (p+1)·B) with
 * B = ⌈n/8⌉; coordinate i is bit (i mod 8) of byte ⌊i/8⌋ of each plane. b·⌈n/8⌉ bytes per code.
 *
 * Why planes rather than packed fields: Σ q_i k_i = Σ_p 2^p Σ_i q_i·bit_p(k_i), and each inner sum is one table
 * lookup per byte (eight coordinates at once) for every b = 1…8 alike — the scan in `prepared.ts` lives on it.
 */
export function bytesPerPlane(n: number): number {
  return (n + 7) >> 3;
}

export function packedBytes(n: number, bits: number): number {
  return bits * bytesPerPlane(n);
}

/** out[offset…] ← planes of levels[0..n). Levels must be < 2^bits. */
export function packLevels(levels: Uint8Array, n: number, bits: number, out: Uint8Array, offset = 0): void {
  const planeBytes = bytesPerPlane(n);
  out.fill(0, offset, offset + bits * planeBytes);
  for (let j = 0; j < planeBytes; j++) {
    const base = j << 3;
    const end = Math.min(8, n - base);
    for (let p = 0; p < bits; p++) {
      let byte = 0;
      for (let t = 0; t < end; t++) byte |= ((levels[base + t]! >> p) & 1) << t;
      out[offset + p * planeBytes + j] = byte;
    }
  }
}

/** levels[0..n) ← the code at data[offset…]. */
export function unpackLevels(
  data: Uint8Array,
  offset: number,
  n: number,
  bits: number,
  levels: Uint8Array,
): void {
  const planeBytes = bytesPerPlane(n);
  for (let j = 0; j < planeBytes; j++) {
    const base = j << 3;
    const end = Math.min(8, n - base);
    for (let t = 0; t < end; t++) {
      let k = 0;
      for (let p = 0; p < bits; p++) k |= ((data[offset + p * planeBytes + j]! >> t) & 1) << p;
      levels[base + t] = k;
    }
  }
}
