import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { recallAtK } from '../datasets/recall.js';
import type { PeerContext } from './types.js';

/**
 * Loads an optional peer package; undefined when it is not installed (the driver records the skip). Any other
 * failure (a native binding that will not load on this platform) is reported with its message.
 */
export async function importOptional<T>(name: string): Promise<{ module: T } | { missing: string }> {
  try {
    return { module: (await import(name)) as T };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
      return { missing: `${name} is not installed (optional dependency; npm i -O ${name})` };
    return { missing: `${name} failed to load: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * recall@1, @10 and @100 of per-query id lists (first `k` used) against the context's ground truth; null where
 * fewer than that many results were asked for (a recall@100 from 10 results would read as a bad index).
 */
export function recallFields(
  found: ArrayLike<number>[],
  truth: Int32Array,
  truthK: number,
  k: number,
): { recall1: number | null; recall10: number | null; recall100: number | null } {
  const at = (depth: number) =>
    k >= depth && truthK >= depth ? recallAtK(found, truth, truthK, depth) : null;
  return { recall1: at(1), recall10: at(10), recall100: at(100) };
}

/** Bytes under a path (a file or a directory tree): the on-disk size of an index. */
export function diskBytes(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const name of readdirSync(path)) total += diskBytes(join(path, name));
  return total;
}

/** Query row q as a view (no copy). */
export function queryRow(ctx: PeerContext, q: number): Float32Array {
  return ctx.queries.subarray(q * ctx.dimension, (q + 1) * ctx.dimension);
}
