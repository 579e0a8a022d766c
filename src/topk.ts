/**
 * The k largest keys seen so far, with an integer payload per key: a binary min-heap over parallel typed arrays
 * (no allocation per push). `threshold` is the smallest key kept once full — what a scan must beat.
 */
export class TopK {
  readonly keys: Float64Array;
  readonly refs: Int32Array;
  size = 0;

  constructor(readonly capacity: number) {
    this.keys = new Float64Array(Math.max(1, capacity));
    this.refs = new Int32Array(Math.max(1, capacity));
  }

  get full(): boolean {
    return this.size >= this.capacity;
  }

  get threshold(): number {
    return this.size >= this.capacity ? this.keys[0]! : Number.NEGATIVE_INFINITY;
  }

  push(key: number, ref: number): void {
    if (this.capacity === 0) return;
    if (this.size < this.capacity) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.keys[parent]! <= key) break;
        this.keys[i] = this.keys[parent]!;
        this.refs[i] = this.refs[parent]!;
        i = parent;
      }
      this.keys[i] = key;
      this.refs[i] = ref;
      return;
    }
    if (key <= this.keys[0]!) return;
    this.siftDown(key, ref);
  }

  private siftDown(key: number, ref: number): void {
    const n = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.keys[r]! < this.keys[l]! ? r : l;
      if (this.keys[c]! >= key) break;
      this.keys[i] = this.keys[c]!;
      this.refs[i] = this.refs[c]!;
      i = c;
    }
    this.keys[i] = key;
    this.refs[i] = ref;
  }

  /** Indices into (keys, refs) ordered by key, largest first. */
  sortedOrder(): number[] {
    const order = Array.from({ length: this.size }, (_, i) => i);
    return order.sort((a, b) => this.keys[b]! - this.keys[a]!);
  }
}
