/**
 * Kernel requests over collections: kernel density, softmax attention and kernel matrix–vector products
 * (src/kernels) on a collection's stored vectors and payloads, with BalanceKV coresets kept current as the
 * collection changes. docs/kernels.md, "Collections and routes", describes the state kept and its cost.
 */
import type { Collection } from '../collection.js';
import { existingKernelState } from './collection-state.js';
import type { CoresetInfo } from './coresets.js';

export { CORESET_COMPRESSION, type CoresetInfo, type CoresetSpec, MAX_CORESETS } from './coresets.js';
export {
  type AttentionAnswer,
  type AttentionRequest,
  attentionOf,
  DEFAULT_KERNEL_NEIGHBOURS,
  type KernelDensityAnswer,
  type KernelDensityRequest,
  type KernelMatVecAnswer,
  type KernelMatVecRequest,
  kernelDensityOf,
  kernelMatVecOf,
  MAX_KERNEL_NEIGHBOURS,
  MAX_KERNEL_QUERIES,
} from './operations.js';

export interface KernelStateInfo {
  /** True once a kernel request loaded the view (and until writes outran it). */
  loaded: boolean;
  /** Points in the view, as of the last request. */
  points: number;
  /** n·d·4: bytes of the view's vector rows. */
  vectorBytes: number;
  coresets: CoresetInfo[];
}

/** What kernel requests keep in memory for this collection (nothing when none ran in this process). */
export function kernelStateInfo(collection: Collection): KernelStateInfo {
  const s = existingKernelState(collection);
  const view = s?.view ?? null;
  return {
    loaded: view !== null,
    points: view?.count ?? 0,
    vectorBytes: view?.vectorBytes ?? 0,
    coresets: s?.coresets.info() ?? [],
  };
}
