import type { PointId } from '../src/filter/index.js';
import type { Payload } from './types.js';

/**
 * One inverted list in memory: packed codes back to back in one Uint8Array, and the per-point scalars the
 * estimator needs in parallel typed arrays — never the original vectors. Deletion swaps the last point into
 * the hole, so a list stays contiguous and a scan is a straight walk.
 */
export class InvertedList {
  codes: Uint8Array;
  scales: Float32Array;
  dithers: Float32Array;
  squaredNorms: Float32Array;
  /** Control variate per point: ⟨c, x − c⟩ − scale·⟨Rc, ẑ⟩ (0 in a flat list); see index/search.ts. */
  corrections: Float32Array;
  ids: PointId[] = [];
  payloads: (Payload | undefined)[] = [];
  size = 0;

  constructor(
    readonly bytesPerCode: number,
    capacity = 16,
  ) {
    this.codes = new Uint8Array(capacity * bytesPerCode);
    this.scales = new Float32Array(capacity);
    this.dithers = new Float32Array(capacity);
    this.squaredNorms = new Float32Array(capacity);
    this.corrections = new Float32Array(capacity);
  }

  /** Appends a point and returns its slot. */
  push(
    id: PointId,
    payload: Payload | undefined,
    code: Uint8Array,
    scale: number,
    dither: number,
    squaredNorm: number,
    correction = 0,
  ): number {
    if (this.size === this.scales.length) this.grow();
    const slot = this.size++;
    this.codes.set(code, slot * this.bytesPerCode);
    this.scales[slot] = scale;
    this.dithers[slot] = dither;
    this.squaredNorms[slot] = squaredNorm;
    this.corrections[slot] = correction;
    this.ids[slot] = id;
    this.payloads[slot] = payload;
    return slot;
  }

  /** Removes a slot; returns the id that moved into it (or undefined when it was the last). */
  remove(slot: number): PointId | undefined {
    const last = --this.size;
    let moved: PointId | undefined;
    if (slot !== last) {
      const B = this.bytesPerCode;
      this.codes.copyWithin(slot * B, last * B, (last + 1) * B);
      this.scales[slot] = this.scales[last]!;
      this.dithers[slot] = this.dithers[last]!;
      this.squaredNorms[slot] = this.squaredNorms[last]!;
      this.corrections[slot] = this.corrections[last]!;
      moved = this.ids[last]!;
      this.ids[slot] = moved;
      this.payloads[slot] = this.payloads[last];
    }
    this.ids.length = last;
    this.payloads.length = last;
    return moved;
  }

  code(slot: number): Uint8Array {
    return this.codes.subarray(slot * this.bytesPerCode, (slot + 1) * this.bytesPerCode);
  }

  private grow(): void {
    const cap = Math.max(16, this.scales.length * 2);
    const codes = new Uint8Array(cap * this.bytesPerCode);
    codes.set(this.codes);
    this.codes = codes;
    this.scales = resize(this.scales, cap);
    this.dithers = resize(this.dithers, cap);
    this.squaredNorms = resize(this.squaredNorms, cap);
    this.corrections = resize(this.corrections, cap);
  }

  /** Bytes of memory per point held by the arrays (code + four float32 scalars). */
  static bytesPerPoint(bytesPerCode: number): number {
    return bytesPerCode + 16;
  }
}

function resize(a: Float32Array, cap: number): Float32Array {
  const b = new Float32Array(cap);
  b.set(a);
  return b;
}
