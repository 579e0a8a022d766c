/**
 * A FIFO semaphore for searches. A search is CPU-bound work split by awaits (LevelDB reads for the rerank),
 * so many of them in flight on one event loop do not run faster — they interleave, hold their candidate
 * buffers longer and raise GC pressure. bench/server.ts measured the library at 119 QPS with one search in
 * flight and 66 QPS with sixteen on the same collection; queueing requests beyond a small number keeps the
 * server at the library's best rate under any client concurrency, and the wait shows up as latency, where
 * it belongs.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // Hand the slot straight to the next waiter, so `active` never drops below the queue's demand.
      if (next) next();
      else this.active--;
    }
  }

  /** Requests queued behind the running ones (for tests and metrics). */
  get queued(): number {
    return this.waiting.length;
  }
}
