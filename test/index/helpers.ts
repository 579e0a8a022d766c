import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DitherError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';

export function tempDir(): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'ditherdb-test-'));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Seeded Gaussian clusters: `clusters` centres of spread `spread`, unit noise around them. */
export function clustered(
  count: number,
  dim: number,
  clusters: number,
  seed: number,
  spread = 3,
): number[][] {
  const rng = new Rng(seed);
  const centres = Array.from({ length: clusters }, () =>
    Array.from({ length: dim }, () => rng.gaussian() * spread),
  );
  return Array.from({ length: count }, (_, i) => centres[i % clusters]!.map((v) => v + rng.gaussian()));
}

export function bruteForce(data: number[][], q: number[], k: number, metric: 'l2' | 'dot'): number[] {
  const scored = data.map((x, i) => {
    let s = 0;
    for (let j = 0; j < q.length; j++) s += metric === 'l2' ? (x[j]! - q[j]!) ** 2 : x[j]! * q[j]!;
    return { i, s: metric === 'l2' ? -s : s };
  });
  return scored
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((o) => o.i);
}

export async function errorCode(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    return err instanceof DitherError ? err.code : `not a DitherError: ${String(err)}`;
  }
  return undefined;
}
