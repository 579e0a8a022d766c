/**
 * What this process keeps per collection for kernel requests: the PointSet view (point-view.ts) and the
 * BalanceKV coresets (coresets.ts), both built lazily on the first request that needs them and kept current
 * from the collection's `onChange` reports.
 *
 * Consistency. The listener only queues changes (listeners must be cheap: they run inside the write path).
 * Requests run one at a time per collection (`exclusive`), and each first drains the queue into the view and
 * every coreset in one synchronous step. From then until the request ends, the view and the coresets stay
 * the same snapshot — across the awaits of index searches and coreset flushes — so rows found by a search and
 * keys fetched by a flush always refer to the same data. Loading: the listener is registered before
 * `points()` starts reading, and changes queued meanwhile are replayed after it; replay is idempotent
 * (upserts overwrite, deletes of absent points do nothing), so a point seen both ways ends in its latest state.
 * If writes pile up while no request drains them (more queued upserts than max(4096, n)), the view and the
 * coresets are dropped and rebuilt on the next request: re-reading is cheaper than holding a second copy.
 */
import type { Collection, CollectionChange } from '../collection.js';
import { CoresetRegistry } from './coresets.js';
import { KernelPointView } from './point-view.js';

const MIN_PENDING_LIMIT = 4096;

export class CollectionKernelState {
  view: KernelPointView | null = null;
  readonly coresets: CoresetRegistry;
  private phase: 'idle' | 'loading' | 'loaded' = 'idle';
  private pending: CollectionChange[] = [];
  private pendingUpserts = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly collection: Collection) {
    this.coresets = new CoresetRegistry(collection.config.seed);
    collection.onChange((change) => this.onChange(change));
  }

  /** Runs `fn` after every earlier kernel request on this collection has finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The view, loaded if needed and brought up to date with every applied write. Call inside `exclusive`. */
  async currentView(): Promise<KernelPointView> {
    if (this.view === null || this.phase !== 'loaded') await this.load();
    const view = this.view!;
    const changes = this.pending;
    this.pending = [];
    this.pendingUpserts = 0;
    for (const change of changes) {
      this.coresets.apply(change, view);
      view.apply(change);
    }
    return view;
  }

  private async load(): Promise<void> {
    this.phase = 'loading';
    this.pending = [];
    this.pendingUpserts = 0;
    this.coresets.clear();
    const c = this.collection;
    const view = new KernelPointView(c.config.dimension, c.stats().points);
    try {
      for await (const p of c.points()) view.upsert(p.id, p.vector, p.payload);
    } catch (err) {
      this.phase = 'idle';
      this.view = null;
      this.pending = [];
      throw err;
    }
    this.view = view;
    this.phase = 'loaded';
  }

  private onChange(change: CollectionChange): void {
    if (this.phase === 'idle') return;
    this.pending.push(change);
    this.pendingUpserts += change.upserted.length;
    if (this.phase === 'loaded' && this.pendingUpserts > Math.max(MIN_PENDING_LIMIT, this.view?.count ?? 0)) {
      this.phase = 'idle';
      this.view = null;
      this.pending = [];
      this.pendingUpserts = 0;
      this.coresets.clear();
    }
  }
}

const states = new WeakMap<Collection, CollectionKernelState>();

export function kernelStateOf(collection: Collection): CollectionKernelState {
  let s = states.get(collection);
  if (s === undefined) {
    s = new CollectionKernelState(collection);
    states.set(collection, s);
  }
  return s;
}

/** The state if kernel requests have touched this collection in this process (no side effects). */
export function existingKernelState(collection: Collection): CollectionKernelState | undefined {
  return states.get(collection);
}
