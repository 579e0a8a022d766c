/**
 * A PointSet view of a collection for the kernel module (src/kernels): every stored vector in one row-major
 * Float32Array, with the row's id and payload beside it. The module's estimators read rows by index in tight
 * loops, which LevelDB reads cannot feed; this cache costs n·d·4 bytes (Fashion-MNIST, 60 000 × 784: 188 MB)
 * plus one id and one payload reference per point, paid only by collections that get kernel requests.
 *
 * Rows hold what `Collection.points()` yields: the stored originals (float32, or float16 widened), or the decoded
 * codes when the collection stores none. Deleting a row moves the last row into its place, so rows are not in
 * id order after writes; nothing depends on the order.
 */
import type { CollectionChange } from '../collection.js';
import type { Payload, PointId } from '../types.js';

export class KernelPointView {
  readonly dimension: number;
  private data: Float32Array;
  private countRows = 0;
  private readonly rowIds: PointId[] = [];
  private readonly rowPayloads: (Payload | undefined)[] = [];
  private readonly rowOf = new Map<PointId, number>();

  constructor(dimension: number, capacity = 0) {
    this.dimension = dimension;
    this.data = new Float32Array(Math.max(capacity, 16) * dimension);
  }

  get count(): number {
    return this.countRows;
  }

  /** Bytes held by the vector rows in use (n·d·4). */
  get vectorBytes(): number {
    return this.countRows * this.dimension * 4;
  }

  /** The rows as the kernel module's PointSet; valid until the next write is applied. */
  pointSet(): { data: Float32Array; count: number; dimension: number } {
    return {
      data: this.data.subarray(0, this.countRows * this.dimension),
      count: this.countRows,
      dimension: this.dimension,
    };
  }

  row(id: PointId): number | undefined {
    return this.rowOf.get(id);
  }

  id(row: number): PointId {
    return this.rowIds[row]!;
  }

  payload(row: number): Payload | undefined {
    return this.rowPayloads[row];
  }

  vector(row: number): Float32Array {
    const d = this.dimension;
    return this.data.subarray(row * d, (row + 1) * d);
  }

  /** Inserts or replaces a point. */
  upsert(id: PointId, vector: Float32Array, payload: Payload | undefined): void {
    const d = this.dimension;
    let row = this.rowOf.get(id);
    if (row === undefined) {
      row = this.countRows++;
      if (this.data.length < this.countRows * d) {
        const grown = new Float32Array(Math.max(this.countRows * d, this.data.length * 2));
        grown.set(this.data);
        this.data = grown;
      }
      this.rowIds[row] = id;
      this.rowOf.set(id, row);
    }
    this.data.set(vector.subarray(0, d), row * d);
    this.rowPayloads[row] = payload;
  }

  /** Removes a point (the last row moves into its place); false when absent. */
  delete(id: PointId): boolean {
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    const last = --this.countRows;
    const d = this.dimension;
    if (row !== last) {
      this.data.copyWithin(row * d, last * d, (last + 1) * d);
      const moved = this.rowIds[last]!;
      this.rowIds[row] = moved;
      this.rowPayloads[row] = this.rowPayloads[last];
      this.rowOf.set(moved, row);
    }
    this.rowIds.pop();
    this.rowPayloads.pop();
    this.rowOf.delete(id);
    return true;
  }

  setPayload(id: PointId, payload: Payload | undefined): void {
    const row = this.rowOf.get(id);
    if (row !== undefined) this.rowPayloads[row] = payload;
  }

  /** Applies one change as the collection reported it (idempotent: replaying a change already seen is harmless). */
  apply(change: CollectionChange): void {
    for (const id of change.deleted) this.delete(id);
    for (const p of change.upserted) this.upsert(p.id, p.vector, p.payload);
    for (const p of change.payloadChanged) this.setPayload(p.id, p.payload);
  }
}
