import { mkdirSync } from 'node:fs';
import { DitherError } from '../src/errors.js';
import { collectionPrefix, MANIFEST_PREFIX, manifestKey } from '../storage/keys.js';
import { Store } from '../storage/store.js';
import { Collection, type Manifest } from './collection.js';
import { checkCollectionName, resolveConfig } from './config.js';
import type { CreateCollectionOptions } from './types.js';

export interface DatabaseOptions {
  /** fsync every batch (survives power loss, not only process crashes). Default false. */
  sync?: boolean;
}

/**
 * The embedded database: one LevelDB folder holding any number of collections. Opening it restores every
 * collection's in-memory index from LevelDB; nothing else is needed to resume after a crash.
 */
export class Database {
  private readonly collections = new Map<string, Collection>();
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly store: Store,
    readonly path: string,
  ) {}

  static async open(path: string, options: DatabaseOptions = {}): Promise<Database> {
    if (typeof path !== 'string' || path.length === 0)
      throw new DitherError('INVALID_ARGUMENT', 'path must be a non-empty string');
    mkdirSync(path, { recursive: true });
    const store = await Store.open(path, options.sync === undefined ? {} : { sync: options.sync });
    const db = new Database(store, path);
    try {
      for await (const [, manifest] of store.entries<Manifest>(MANIFEST_PREFIX)) {
        db.collections.set(manifest.config.name, await Collection.load(store, manifest));
      }
    } catch (err) {
      await store.close();
      throw err;
    }
    return db;
  }

  async createCollection(name: string, options: CreateCollectionOptions): Promise<Collection> {
    this.checkOpen();
    const config = resolveConfig(name, options);
    if (this.collections.has(name))
      throw new DitherError('COLLECTION_EXISTS', `collection ${name} already exists`);
    const collection = await Collection.create(this.store, config);
    this.collections.set(name, collection);
    return collection;
  }

  collection(name: string): Collection {
    this.checkOpen();
    const c = this.collections.get(name);
    if (c === undefined)
      throw new DitherError('COLLECTION_NOT_FOUND', `collection ${String(name)} not found`);
    return c;
  }

  hasCollection(name: string): boolean {
    return this.collections.has(name);
  }

  listCollections(): string[] {
    this.checkOpen();
    return [...this.collections.keys()].sort();
  }

  async dropCollection(name: string): Promise<boolean> {
    this.checkOpen();
    checkCollectionName(name);
    const c = this.collections.get(name);
    if (c === undefined) return false;
    this.collections.delete(name);
    await c.shutdown();
    // Manifest first: once it is gone the collection no longer exists on reopen, even if the range delete is cut short.
    await this.store.batch([{ type: 'del', key: manifestKey(name) }]);
    await this.store.clearPrefix(collectionPrefix(name));
    return true;
  }

  /** Waits for writes and training in flight, then closes LevelDB. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const c of this.collections.values()) await c.shutdown();
      await this.store.close();
    })();
    return this.closing;
  }

  private checkOpen(): void {
    if (this.closing !== null || !this.store.isOpen)
      throw new DitherError('DATABASE_CLOSED', 'the database is closed');
  }
}
