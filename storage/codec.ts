import { Packr } from 'msgpackr';

/**
 * msgpack values. Typed arrays round-trip as msgpackr's typed-array extensions; `structuredClone`-style plain
 * objects for everything else. One Packr for the whole process (no shared structures: records must decode
 * without state, so a database file never depends on the process that wrote it).
 */
export const packr = new Packr({ useRecords: false, moreTypes: true });

export function encodeValue(value: unknown): Buffer {
  return packr.pack(value);
}

export function decodeValue<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}

/** float32 ↔ IEEE binary16, for `storeVectors: 'float16'` (half the bytes; ~3 significant digits). */
export function toFloat16Bits(v: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(v.length);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < v.length; i++) {
    f[0] = v[i]!;
    const x = u[0]!;
    const sign = (x >>> 16) & 0x8000;
    let exp = ((x >>> 23) & 0xff) - 127 + 15;
    let mant = x & 0x7fffff;
    if (exp >= 31) {
      out[i] = sign | 0x7c00; // overflow → ±Inf (inputs are validated finite, so only for |v| > 65504)
    } else if (exp <= 0) {
      if (exp < -10) {
        out[i] = sign;
      } else {
        mant = (mant | 0x800000) >> (1 - exp);
        out[i] = sign | ((mant + 0x1000) >> 13);
      }
    } else {
      const rounded = mant + 0x1000; // round half up at bit 13
      if (rounded & 0x800000) {
        mant = 0;
        exp += 1;
      } else mant = rounded;
      out[i] = exp >= 31 ? sign | 0x7c00 : sign | (exp << 10) | (mant >> 13);
    }
  }
  return out;
}

export function fromFloat16Bits(h: Uint16Array, out: Float32Array): Float32Array {
  for (let i = 0; i < h.length; i++) {
    const x = h[i]!;
    const sign = x & 0x8000 ? -1 : 1;
    const exp = (x >> 10) & 0x1f;
    const mant = x & 0x3ff;
    out[i] =
      exp === 0
        ? sign * mant * 2 ** -24
        : exp === 31
          ? sign * Number.POSITIVE_INFINITY
          : sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  return out;
}
