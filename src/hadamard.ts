/**
 * In-place fast Walsh–Hadamard transform (Sylvester ordering, unnormalised): buf[offset..offset+n) ← H_n · buf.
 * n must be a power of two. O(n log n) additions; H_n·H_n = n·I, so scaling by 1/√n makes it its own inverse.
 * Stages are fused two at a time (radix 4): half the passes over memory, and no one-element inner loops.
 */
export function fwht(buf: Float64Array, offset: number, n: number): void {
  const end = offset + n;
  let h = 1;
  if (n >= 4) {
    // Stages h = 1 and h = 2 on groups of four.
    for (let i = offset; i < end; i += 4) {
      const a = buf[i]!;
      const b = buf[i + 1]!;
      const c = buf[i + 2]!;
      const d = buf[i + 3]!;
      const s0 = a + b;
      const d0 = a - b;
      const s1 = c + d;
      const d1 = c - d;
      buf[i] = s0 + s1;
      buf[i + 1] = d0 + d1;
      buf[i + 2] = s0 - s1;
      buf[i + 3] = d0 - d1;
    }
    h = 4;
  }
  for (; h * 4 <= n; h *= 4) {
    const h2 = h * 2;
    const h3 = h * 3;
    for (let i = offset; i < end; i += h * 4) {
      for (let j = i, jEnd = i + h; j < jEnd; j++) {
        const a = buf[j]!;
        const b = buf[j + h]!;
        const c = buf[j + h2]!;
        const d = buf[j + h3]!;
        const s0 = a + b;
        const d0 = a - b;
        const s1 = c + d;
        const d1 = c - d;
        buf[j] = s0 + s1;
        buf[j + h] = d0 + d1;
        buf[j + h2] = s0 - s1;
        buf[j + h3] = d0 - d1;
      }
    }
  }
  for (; h < n; h *= 2) {
    for (let i = offset; i < end; i += h * 2) {
      for (let j = i, jEnd = i + h; j < jEnd; j++) {
        const a = buf[j]!;
        const b = buf[j + h]!;
        buf[j] = a + b;
        buf[j + h] = a - b;
      }
    }
  }
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** The power-of-two blocks that tile d, largest first: 784 → [512, 256, 16]. */
export function powerOfTwoBlocks(d: number): number[] {
  const blocks: number[] = [];
  for (let bit = 2 ** Math.floor(Math.log2(d)); bit >= 1; bit /= 2) if (d & bit) blocks.push(bit);
  return blocks;
}
