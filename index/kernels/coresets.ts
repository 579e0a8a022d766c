/**
 * The BalanceKV coresets of one collection (src/kernels/coreset.ts). Which exist: one per distinct request
 * shape that asked for `method: 'coreset'` —
 * - attention: per (value_key, temperature), balanced under the softmax kernel at that temperature;
 * - density: per (kernel type, bandwidth, weight_key), balanced under that kernel (Gaussian/Laplacian) or the
 *   softmax kernel at τ = bandwidth (exponential).
 * A coreset is built from the view on its first request and then kept current: every drained change inserts,
 * re-inserts or removes its points (a payload edit re-inserts only when the value or weight it reads changed),
 * and deletions are flushed before the next answer (`fetch` reads the rebuilt groups' points from the view,
 * which holds the same originals `Collection.vectors` returns, in the same snapshot as the coreset). A change
 * that leaves a point without a usable value drops that coreset; the next request rebuilds it and reports the
 * bad payload. At most MAX_CORESETS live per collection; the least recently used one is dropped beyond that.
 * Coresets are not persisted: after a restart each is rebuilt (one pass over the view) on its first request,
 * with the same seed, so the same data gives the same coreset.
 */
import { assertArg, DitherError } from '../../src/errors.js';
import {
  BalanceKVCoreset,
  type KernelSpec,
  type PointBatch,
  type PointKey,
} from '../../src/kernels/index.js';
import type { CollectionChange } from '../collection.js';
import type { Payload } from '../types.js';
import { numericField, valueField, valuesOf, weightsOf } from './payload-values.js';
import type { KernelPointView } from './point-view.js';

/** Coresets kept per collection (each ≈ n/4 items of d float32 plus values: a quarter of the view at most). */
export const MAX_CORESETS = 4;
/** Compression 2^L of every group (src/kernels/coreset.ts): 4× fewer items than points. */
export const CORESET_COMPRESSION = 4;

/** Rows inserted between two yields to the event loop while a coreset is built. */
const BUILD_CHUNK = 1024;

export type CoresetSpec =
  | { kind: 'attention'; valueKey: string; temperature: number }
  | { kind: 'density'; kernel: KernelSpec; weightKey: string | undefined };

export interface CoresetInfo {
  spec: CoresetSpec;
  /** Items the coreset keeps. */
  size: number;
  /** Live points it summarises. */
  points: number;
}

interface Entry {
  spec: CoresetSpec;
  coreset: BalanceKVCoreset;
  /** Numbers per value (0 for density coresets). */
  dv: number;
  lastUsed: number;
}

export function coresetKey(spec: CoresetSpec): string {
  return spec.kind === 'attention'
    ? `attention\0${spec.valueKey}\0${spec.temperature}`
    : `density\0${spec.kernel.type}\0${spec.kernel.bandwidth}\0${spec.weightKey ?? ''}`;
}

export class CoresetRegistry {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;

  constructor(private readonly seed: number) {}

  clear(): void {
    this.entries.clear();
  }

  info(): CoresetInfo[] {
    return [...this.entries.values()].map((e) => ({
      spec: e.spec,
      size: e.coreset.size,
      points: e.coreset.count,
    }));
  }

  /** The coreset for `spec`, built from the view if new, with pending deletions flushed. */
  async get(spec: CoresetSpec, view: KernelPointView): Promise<BalanceKVCoreset> {
    const key = coresetKey(spec);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = await this.build(spec, view);
      this.entries.set(key, entry);
      this.evict();
    }
    entry.lastUsed = ++this.clock;
    await entry.coreset.flush();
    return entry.coreset;
  }

  /** Brings every coreset up to date with one change; call before the view applies it (it reads old payloads). */
  apply(change: CollectionChange, view: KernelPointView): void {
    for (const [key, entry] of this.entries) {
      if (!applyTo(entry, change, view)) this.entries.delete(key);
    }
  }

  /**
   * Inserts every row, yielding to the event loop between chunks: a build costs O(n·B·d) (≈ 8 s for 20 000
   * Fashion-MNIST points on a loaded core), and other requests should keep being served meanwhile. The view
   * cannot change between chunks: only a drain changes it, and drains run inside the same exclusive section.
   */
  private async build(spec: CoresetSpec, view: KernelPointView): Promise<Entry> {
    const n = view.count;
    let dv = 0;
    let values: Float64Array = new Float64Array(0);
    let weights: Float64Array | undefined;
    if (spec.kind === 'attention') ({ values, dv } = valuesOf(view, spec.valueKey));
    else weights = weightsOf(view, spec.weightKey);
    const entry: Entry = { spec, coreset: undefined as unknown as BalanceKVCoreset, dv, lastUsed: 0 };
    entry.coreset = new BalanceKVCoreset({
      dimension: view.dimension,
      valueDimension: dv,
      compression: CORESET_COMPRESSION,
      seed: this.seed,
      fetch: (keys) => fetchFromView(entry, view, keys),
      ...(spec.kind === 'attention'
        ? { temperature: spec.temperature }
        : spec.kernel.type === 'exponential'
          ? { temperature: spec.kernel.bandwidth }
          : { kernel: spec.kernel }),
    });
    const empty = new Float64Array(0);
    for (let row = 0; row < n; row++) {
      if (row > 0 && row % BUILD_CHUNK === 0) await new Promise((r) => setImmediate(r));
      entry.coreset.insert(
        view.id(row),
        view.vector(row),
        dv === 0 ? empty : values.subarray(row * dv, (row + 1) * dv),
        weights === undefined ? 1 : weights[row]!,
      );
    }
    return entry;
  }

  private evict(): void {
    while (this.entries.size > MAX_CORESETS) {
      let oldest: string | undefined;
      let at = Number.POSITIVE_INFINITY;
      for (const [key, e] of this.entries)
        if (e.lastUsed < at) {
          at = e.lastUsed;
          oldest = key;
        }
      this.entries.delete(oldest!);
    }
  }
}

/** Value and weight a coreset reads from a payload; undefined when the payload cannot feed it. */
function itemOf(
  entry: Entry,
  payload: Payload | undefined,
): { value: Float64Array; weight: number } | undefined {
  const spec = entry.spec;
  const value = new Float64Array(entry.dv);
  if (spec.kind === 'attention') {
    if (!valueField(payload, spec.valueKey, entry.dv, value)) return undefined;
    return { value, weight: 1 };
  }
  if (spec.weightKey === undefined) return { value, weight: 1 };
  const w = numericField(payload, spec.weightKey);
  return w === undefined ? undefined : { value, weight: w };
}

function sameItem(
  a: { value: Float64Array; weight: number },
  b: { value: Float64Array; weight: number },
): boolean {
  if (a.weight !== b.weight) return false;
  for (let t = 0; t < a.value.length; t++) if (a.value[t] !== b.value[t]) return false;
  return true;
}

/** False when the change leaves a point the coreset cannot hold (the registry then drops the coreset). */
function applyTo(entry: Entry, change: CollectionChange, view: KernelPointView): boolean {
  const c = entry.coreset;
  for (const id of change.deleted) c.remove(id);
  for (const p of change.upserted) {
    const item = itemOf(entry, p.payload);
    if (item === undefined) return false;
    c.insert(p.id, p.vector, item.value, item.weight);
  }
  for (const p of change.payloadChanged) {
    const row = view.row(p.id);
    if (row === undefined) continue;
    const item = itemOf(entry, p.payload);
    if (item === undefined) return false;
    const old = itemOf(entry, view.payload(row));
    if (old !== undefined && sameItem(old, item)) continue;
    c.insert(p.id, view.vector(row), item.value, item.weight);
  }
  return true;
}

function fetchFromView(entry: Entry, view: KernelPointView, keys: readonly PointKey[]): PointBatch {
  const d = view.dimension;
  const dv = entry.dv;
  const vectors = new Float32Array(keys.length * d);
  const values = new Float64Array(keys.length * dv);
  const weights = new Float64Array(keys.length);
  keys.forEach((key, i) => {
    const row = view.row(key);
    if (row === undefined)
      throw new DitherError('INTERNAL', `coreset holds point ${String(key)} that the view does not`);
    vectors.set(view.vector(row), i * d);
    const item = itemOf(entry, view.payload(row));
    assertArg(item !== undefined, 'PAYLOAD_KEY_INVALID', `point ${String(key)} lost its coreset value`);
    values.set(item.value, i * dv);
    weights[i] = item.weight;
  });
  return { vectors, values, weights };
}
