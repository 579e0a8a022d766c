import { Rng } from '../rng.js';
import type { RandomSource } from './types.js';

export function rngFrom(source: RandomSource | undefined, stream = 0): Rng {
  return source?.rng ?? new Rng(source?.seed ?? 0, stream);
}

/**
 * Running mean and variance (Welford) of i.i.d. draws; `standardError` is the usual s/√m with the
 * m − 1 denominator, so it is itself unbiased for the variance of the mean.
 */
export class MeanAccumulator {
  count = 0;
  mean = 0;
  private m2 = 0;

  reset(): void {
    this.count = 0;
    this.mean = 0;
    this.m2 = 0;
  }

  push(x: number): void {
    this.count++;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (x - this.mean);
  }

  variance(): number {
    return this.count > 1 ? this.m2 / (this.count - 1) : 0;
  }

  standardError(): number {
    return this.count > 0 ? Math.sqrt(this.variance() / this.count) : 0;
  }
}

/** Uniform index in [0, n) outside the sorted exclusion list (rejection; the list is assumed ≪ n). */
export function sampleOutside(rng: Rng, n: number, excludedSorted: Int32Array): number {
  for (;;) {
    const j = rng.int(n);
    if (!containsSorted(excludedSorted, j)) return j;
  }
}

export function containsSorted(sorted: Int32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * The sample size that brings a mean's relative standard error down to ε, from a pilot estimate of the
 * coefficient of variation: SE/mean = cv/√m ≤ ε ⇔ m ≥ cv²/ε². Clamped to [minimum, maximum].
 */
export function samplesForRelativeError(
  pilotMean: number,
  pilotVariance: number,
  epsilon: number,
  minimum: number,
  maximum: number,
): number {
  if (pilotMean === 0 || !Number.isFinite(pilotVariance)) return maximum;
  const cv2 = pilotVariance / (pilotMean * pilotMean);
  const m = Math.ceil(cv2 / (epsilon * epsilon));
  return Math.max(minimum, Math.min(maximum, m));
}
