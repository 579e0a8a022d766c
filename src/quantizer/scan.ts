/**
 * Σ_p 2^p Σ_j T[j·256 + plane_p[j]] for a bit-plane code at data[offset…] (see packing.ts): the integer part of
 * the uniform lattice's inner product. Planes are summed four at a time in one pass over j, with a separate
 * accumulator per plane — measured 2.2× faster in V8 than one plane per pass, since the byte loads and table
 * rows of one j are shared by the planes.
 */
export function scanPlanes(
  table: Float64Array,
  data: Uint8Array,
  offset: number,
  planeBytes: number,
  bits: number,
): number {
  let total = 0;
  for (let p = 0; p < bits; p += 4) {
    const base = offset + p * planeBytes;
    const count = bits - p < 4 ? bits - p : 4;
    const weight = 2 ** p;
    if (count === 4) total += weight * scan4(table, data, base, planeBytes);
    else if (count === 3) total += weight * scan3(table, data, base, planeBytes);
    else if (count === 2) total += weight * scan2(table, data, base, planeBytes);
    else total += weight * scan1(table, data, base, planeBytes);
  }
  return total;
}

function scan4(table: Float64Array, data: Uint8Array, o: number, B: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let j = 0; j < B; j++) {
    const t = j << 8;
    s0 += table[t | data[o + j]!]!;
    s1 += table[t | data[o + B + j]!]!;
    s2 += table[t | data[o + 2 * B + j]!]!;
    s3 += table[t | data[o + 3 * B + j]!]!;
  }
  return s0 + 2 * s1 + 4 * s2 + 8 * s3;
}

function scan3(table: Float64Array, data: Uint8Array, o: number, B: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let j = 0; j < B; j++) {
    const t = j << 8;
    s0 += table[t | data[o + j]!]!;
    s1 += table[t | data[o + B + j]!]!;
    s2 += table[t | data[o + 2 * B + j]!]!;
  }
  return s0 + 2 * s1 + 4 * s2;
}

function scan2(table: Float64Array, data: Uint8Array, o: number, B: number): number {
  let s0 = 0;
  let s1 = 0;
  for (let j = 0; j < B; j++) {
    const t = j << 8;
    s0 += table[t | data[o + j]!]!;
    s1 += table[t | data[o + B + j]!]!;
  }
  return s0 + 2 * s1;
}

function scan1(table: Float64Array, data: Uint8Array, o: number, B: number): number {
  let s0 = 0;
  let s1 = 0;
  let j = 0;
  for (; j + 1 < B; j += 2) {
    s0 += table[(j << 8) | data[o + j]!]!;
    s1 += table[((j + 1) << 8) | data[o + j + 1]!]!;
  }
  if (j < B) s0 += table[(j << 8) | data[o + j]!]!;
  return s0 + s1;
}
