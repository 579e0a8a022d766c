import { Level } from 'level';
import { DitherError } from '../src/errors.js';
import { decodeValue, encodeValue } from './codec.js';
import { prefixEnd } from './keys.js';

export type BatchOp = { type: 'put'; key: string; value: unknown } | { type: 'del'; key: string };

/**
 * The one LevelDB handle of a database: string keys, msgpack values. Every mutation the API acknowledges is
 * one `batch` — LevelDB applies a batch atomically, so a crash leaves either all of it or none.
 * Writes go to LevelDB's log before the promise resolves (a killed process loses nothing acknowledged);
 * `sync: true` additionally fsyncs each batch, for power-loss durability at a throughput cost.
 */
export class Store {
  private constructor(
    private readonly db: Level<string, Uint8Array>,
    private readonly sync: boolean,
  ) {}

  static async open(path: string, options: { sync?: boolean } = {}): Promise<Store> {
    const db = new Level<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      const code = (err as { code?: string }).code;
      if (code === 'LEVEL_LOCKED' || cause?.code === 'LEVEL_LOCKED')
        throw new DitherError('DATABASE_LOCKED', `${path} is open in another process`, { cause: err });
      throw new DitherError('INTERNAL', `cannot open LevelDB at ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return new Store(db, options.sync ?? false);
  }

  get isOpen(): boolean {
    return this.db.status === 'open';
  }

  async get<T>(key: string): Promise<T | undefined> {
    const bytes = await this.db.get(key);
    return bytes === undefined ? undefined : decodeValue<T>(bytes);
  }

  /**
   * A synchronous read (classic-level's getSync): no thread-pool round trip, so reading the dozen originals a
   * rerank needs costs microseconds each instead of a promise hop per batch. Blocks the event loop while it
   * runs — use it only for small reads.
   */
  getSync<T>(key: string): T | undefined {
    const bytes = this.db.getSync(key);
    return bytes === undefined ? undefined : decodeValue<T>(bytes);
  }

  async getMany<T>(keys: string[]): Promise<(T | undefined)[]> {
    const values = await this.db.getMany(keys);
    return values.map((b) => (b === undefined ? undefined : decodeValue<T>(b)));
  }

  async batch(ops: BatchOp[]): Promise<void> {
    if (ops.length === 0) return;
    await this.db.batch(
      ops.map((op) => (op.type === 'put' ? { type: 'put', key: op.key, value: encodeValue(op.value) } : op)),
      { sync: this.sync },
    );
  }

  /** Every (key, value) under a prefix, in key order, decoded lazily in chunks. */
  async *entries<T>(prefix: string, options: { gte?: string } = {}): AsyncGenerator<[string, T]> {
    for await (const [key, value] of this.db.iterator({
      gte: options.gte ?? prefix,
      lt: prefixEnd(prefix),
    })) {
      yield [key, decodeValue<T>(value)];
    }
  }

  async *keys(prefix: string): AsyncGenerator<string> {
    for await (const key of this.db.keys({ gte: prefix, lt: prefixEnd(prefix) })) yield key;
  }

  async clearPrefix(prefix: string): Promise<void> {
    await this.db.clear({ gte: prefix, lt: prefixEnd(prefix) });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
