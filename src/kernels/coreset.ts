import { assertArg, DitherError } from '../errors.js';
import { Rng } from '../rng.js';
import { type BalanceOptions, softmaxBalanceHalve } from './balance.js';
import { type KernelSpec, kernelEvaluator, validateKernel } from './kernel.js';
import { concatSummaries, emptySummary, selectRows, type WeightedSummary } from './summary.js';
import { summaryAttention, summaryDensity } from './summary-query.js';
import type { Estimate, Vector } from './types.js';
import { toQuery, validatePositive, validatePositiveInt } from './validate.js';

/** Point ids as the database knows them (unsigned integers or UUID strings). */
export type PointKey = number | string;

/** Originals of the requested points, rows in the order of the keys asked for. */
export interface PointBatch {
  vectors: Float32Array;
  /** valueDimension numbers per point. */
  values: Float64Array;
  /** Density weights; 1 when omitted. */
  weights?: Float64Array;
}

/** Reads originals back from the store; used only to rebuild the part of the coreset a deletion touched. */
export type FetchPoints = (keys: readonly PointKey[]) => PointBatch | Promise<PointBatch>;

export interface CoresetOptions {
  dimension: number;
  /** Numbers per attention value (1 for a scalar payload). */
  valueDimension: number;
  /** Temperature τ of the softmax kernel the walk balances under; √dimension (BalanceKV) by default. */
  temperature?: number;
  /**
   * Kernel the walk balances under; default exponential at `temperature` (attention). A Gaussian or Laplacian
   * kernel suits a coreset that will answer density queries at that bandwidth.
   */
  kernel?: KernelSpec;
  /** Compression 2^L: every full group of 2^L leaves is reduced to about one leaf. Power of two, default 4. */
  compression?: number;
  /** Points per leaf (B): the unit of merge-and-reduce and of rebuilds. Default 64. */
  bucketSize?: number;
  /** Self-balancing walk constant, see DEFAULT_C_FACTOR. */
  cFactor?: number;
  seed?: number;
  /** Needed to delete points that already left the open leaf; see `flush`. */
  fetch?: FetchPoints;
}

interface Leaf {
  keys: Set<PointKey>;
  group: Group;
}

interface Group {
  id: number;
  leaves: Leaf[];
  /** Merge-and-reduce counter: pending[ℓ] holds at most one summary of 2^ℓ leaves reduced ℓ times. */
  pending: (WeightedSummary | undefined)[];
  /** Set once the group holds 2^L leaves: their summary after L halvings. */
  root: WeightedSummary | undefined;
  dirty: boolean;
  builds: number;
}

/**
 * BalanceKV's streaming merge-and-reduce over a collection that changes (Han et al. 2025, §streaming).
 * Points arrive into an open leaf of B raw points. A full leaf joins the current group's binary counter: two
 * summaries of the same level ℓ are concatenated and halved by SoftmaxBalance into one of level ℓ + 1. Unlike
 * the paper's stream, whose top level grows as log(n/B), reduction stops at level L = log2(compression): a
 * group of 2^L leaves (2^L·B points) ends as one summary of about B points, and a new group starts. The
 * coreset holds n/2^L + O(B·L) items; each item was halved at most L times.
 * Deletion (and upsert of an existing key, which is delete + insert): a point still in the open leaf is
 * dropped at once. Otherwise its leaf forgets the key and the leaf's group is marked dirty; `flush()` fetches
 * the originals of the dirty group's remaining points from the store (`fetch`) and rebuilds that group from
 * scratch with fresh randomness, O(2^L·B) points read and O(2^L·B²·d) work per dirty group. Other groups are
 * untouched, which is why reduction is capped per group. Until `flush()` resolves, queries throw
 * MODEL_NOT_READY rather than answer with deleted points.
 * Every answer is unbiased for the exact sum over the live points (see softmaxBalanceHalve).
 */
export class BalanceKVCoreset {
  readonly dimension: number;
  readonly valueDimension: number;
  readonly temperature: number;
  readonly compression: number;
  readonly bucketSize: number;
  private readonly levels: number;
  private readonly balance: BalanceOptions;
  private readonly seed: number;
  private readonly fetchPoints: FetchPoints | undefined;
  private readonly where = new Map<PointKey, Leaf | null>();
  private readonly groups: Group[] = [];
  private nextGroupId = 0;
  // The open leaf: raw points kept in memory until B of them close the leaf.
  private openKeys: PointKey[] = [];
  private readonly open: WeightedSummary;
  private readonly scratchVector: Float64Array;
  /** The concatenated coreset, rebuilt lazily after any change so repeated queries do not copy it. */
  private cached: WeightedSummary | undefined;
  private readonly scratchValue: Float64Array;

  constructor(options: CoresetOptions) {
    validatePositiveInt(options.dimension, 'dimension');
    assertArg(
      Number.isInteger(options.valueDimension) && options.valueDimension >= 0,
      'INVALID_ARGUMENT',
      'valueDimension must be a non-negative integer',
    );
    const compression = options.compression ?? 4;
    assertArg(
      Number.isInteger(compression) && compression >= 1 && (compression & (compression - 1)) === 0,
      'INVALID_ARGUMENT',
      'compression must be a power of two ≥ 1',
    );
    const bucketSize = options.bucketSize ?? 64;
    validatePositiveInt(bucketSize, 'bucketSize');
    const temperature = options.temperature ?? Math.sqrt(options.dimension);
    validatePositive(temperature, 'temperature');
    if (options.cFactor !== undefined) validatePositive(options.cFactor, 'cFactor');
    this.dimension = options.dimension;
    this.valueDimension = options.valueDimension;
    this.temperature = temperature;
    this.compression = compression;
    this.bucketSize = bucketSize;
    this.levels = Math.round(Math.log2(compression));
    if (options.kernel !== undefined) validateKernel(options.kernel);
    this.balance = {
      temperature,
      ...(options.cFactor === undefined ? {} : { cFactor: options.cFactor }),
      ...(options.kernel === undefined ? {} : { kernel: options.kernel }),
    };
    this.seed = options.seed ?? 0;
    this.fetchPoints = options.fetch;
    this.open = emptySummary(options.dimension, options.valueDimension, bucketSize);
    this.scratchVector = new Float64Array(options.dimension);
    this.scratchValue = new Float64Array(options.valueDimension);
  }

  /** Live points. */
  get count(): number {
    return this.where.size;
  }

  /** Items the coreset keeps (what queries read). */
  get size(): number {
    let s = this.open.count;
    for (const g of this.groups) {
      if (g.root !== undefined) s += g.root.count;
      for (const p of g.pending) if (p !== undefined) s += p.count;
    }
    return s;
  }

  /** True while a deletion waits for `flush()`. */
  get needsFlush(): boolean {
    return this.groups.some((g) => g.dirty);
  }

  has(key: PointKey): boolean {
    return this.where.has(key);
  }

  /** Adds a point, or replaces it if the key is present (upsert). `value` is a number or valueDimension numbers. */
  insert(key: PointKey, vector: Vector, value: number | Vector, weight = 1): void {
    validateKey(key);
    const d = this.dimension;
    const dv = this.valueDimension;
    // Validate everything before touching state, so a rejected point leaves no trace.
    toQuery(vector, d, this.scratchVector);
    const val = this.scratchValue;
    if (typeof value === 'number') {
      assertArg(dv === 1, 'DIMENSION_MISMATCH', `value must have ${dv} numbers`);
      assertArg(Number.isFinite(value), 'NON_FINITE_VALUE', 'value is not finite');
      val[0] = value;
    } else {
      assertArg(
        value !== null && typeof value === 'object' && value.length === dv,
        'DIMENSION_MISMATCH',
        `value must have ${dv} numbers`,
      );
      for (let t = 0; t < dv; t++) {
        const x = value[t];
        assertArg(typeof x === 'number' && Number.isFinite(x), 'NON_FINITE_VALUE', 'value is not finite');
        val[t] = x;
      }
    }
    assertArg(Number.isFinite(weight), 'NON_FINITE_VALUE', 'weight is not finite');
    if (this.where.has(key)) this.remove(key);
    this.cached = undefined;
    const at = this.open.count;
    this.open.vectors.set(this.scratchVector, at * d);
    this.open.values.set(val, at * dv);
    this.open.weights[at] = weight;
    this.open.mass[at] = 1;
    this.open.halvings[at] = 0;
    this.open.count++;
    this.openKeys.push(key);
    this.where.set(key, null);
    if (this.open.count === this.bucketSize) this.closeLeaf();
  }

  /** Deletes a point; false if it was not there. May leave the coreset needing `flush()`. */
  remove(key: PointKey): boolean {
    const leaf = this.where.get(key);
    if (leaf === undefined) return false;
    this.where.delete(key);
    this.cached = undefined;
    if (leaf === null) {
      const i = this.openKeys.indexOf(key);
      const last = this.open.count - 1;
      if (i !== last) {
        moveRow(this.open, last, i);
        this.openKeys[i] = this.openKeys[last]!;
      }
      this.openKeys.pop();
      this.open.count--;
      return true;
    }
    leaf.keys.delete(key);
    leaf.group.dirty = true;
    return true;
  }

  /** Rebuilds every group a deletion touched from the store's originals (see the class comment). */
  async flush(): Promise<void> {
    const dirty = this.groups.filter((g) => g.dirty);
    if (dirty.length === 0) return;
    this.cached = undefined;
    assertArg(
      this.fetchPoints !== undefined,
      'INVALID_ARGUMENT',
      'deleting points outside the open leaf needs a fetch callback',
    );
    for (const g of dirty) {
      const keys: PointKey[] = [];
      for (const leaf of g.leaves) for (const k of leaf.keys) keys.push(k);
      const batch = keys.length > 0 ? await this.fetchPoints(keys) : undefined;
      if (batch !== undefined) this.checkBatch(batch, keys.length);
      this.rebuild(g, batch);
    }
    for (let i = this.groups.length - 1; i >= 0; i--) {
      const g = this.groups[i]!;
      if (g.root !== undefined && g.leaves.every((l) => l.keys.size === 0)) this.groups.splice(i, 1);
    }
  }

  /** The coreset as one weighted summary (shared: do not modify). */
  summary(): WeightedSummary {
    this.assertReady();
    if (this.cached !== undefined) return this.cached;
    const parts: WeightedSummary[] = [this.open];
    for (const g of this.groups) {
      if (g.root !== undefined) parts.push(g.root);
      for (const p of g.pending) if (p !== undefined) parts.push(p);
    }
    this.cached = concatSummaries(parts, this.dimension, this.valueDimension);
    return this.cached;
  }

  /**
   * Σ_i m_i e^{⟨q,k_i⟩/τ} v_i / Σ_i m_i e^{⟨q,k_i⟩/τ} over the coreset (m_i its masses); τ defaults to the
   * temperature the coreset was balanced under, which is where its guarantee holds.
   */
  attention(query: Vector, temperature = this.temperature): Float64Array {
    this.assertReady();
    validatePositive(temperature, 'temperature');
    const q = toQuery(query, this.dimension);
    return summaryAttention(this.summary(), q, temperature);
  }

  /** (1/n) Σ_i m_i w_i k(q, k_i) with n the live count; error is summaryDensity's random-halving estimate. */
  density(query: Vector, kernel: KernelSpec): Estimate {
    this.assertReady();
    const k = kernelEvaluator(kernel);
    const q = toQuery(query, this.dimension);
    return summaryDensity(this.summary(), this.count, k, q);
  }

  assertReady(): void {
    if (this.needsFlush)
      throw new DitherError('MODEL_NOT_READY', 'coreset has pending deletions; await flush() first');
  }

  private closeLeaf(): void {
    let g = this.groups[this.groups.length - 1];
    if (g === undefined || g.root !== undefined || g.leaves.length === 1 << this.levels) {
      g = { id: this.nextGroupId++, leaves: [], pending: [], root: undefined, dirty: false, builds: 0 };
      this.groups.push(g);
    }
    const leaf: Leaf = { keys: new Set(this.openKeys), group: g };
    for (const k of this.openKeys) this.where.set(k, leaf);
    g.leaves.push(leaf);
    const raw = concatSummaries([this.open], this.dimension, this.valueDimension);
    this.open.count = 0;
    this.openKeys = [];
    this.push(g, raw, this.groupRng(g));
  }

  /** One leaf into the group's binary counter: carry while the level is occupied, stop at level L. */
  private push(g: Group, leafSummary: WeightedSummary, rng: Rng): void {
    let s = leafSummary;
    let level = 0;
    while (level < this.levels && g.pending[level] !== undefined) {
      const merged = concatSummaries([g.pending[level]!, s], this.dimension, this.valueDimension);
      g.pending[level] = undefined;
      s = selectRows(merged, softmaxBalanceHalve(merged, this.balance, rng), 2);
      level++;
    }
    if (level === this.levels) {
      g.root = s;
      g.pending = [];
    } else g.pending[level] = s;
  }

  private rebuild(g: Group, batch: PointBatch | undefined): void {
    g.builds++;
    g.pending = [];
    g.root = undefined;
    g.dirty = false;
    const rng = this.groupRng(g);
    const d = this.dimension;
    const dv = this.valueDimension;
    let row = 0;
    for (const leaf of g.leaves) {
      const s = emptySummary(d, dv, leaf.keys.size);
      if (batch !== undefined) {
        s.vectors.set(batch.vectors.subarray(row * d, (row + leaf.keys.size) * d));
        s.values.set(batch.values.subarray(row * dv, (row + leaf.keys.size) * dv));
        if (batch.weights !== undefined) s.weights.set(batch.weights.subarray(row, row + leaf.keys.size));
        else s.weights.fill(1);
      }
      s.mass.fill(1);
      s.count = leaf.keys.size;
      row += leaf.keys.size;
      this.push(g, s, rng);
    }
  }

  private checkBatch(batch: PointBatch, rows: number): void {
    assertArg(
      batch.vectors instanceof Float32Array && batch.vectors.length === rows * this.dimension,
      'DIMENSION_MISMATCH',
      'fetch() returned vectors of the wrong length',
    );
    assertArg(
      batch.values instanceof Float64Array && batch.values.length === rows * this.valueDimension,
      'DIMENSION_MISMATCH',
      'fetch() returned values of the wrong length',
    );
    assertArg(
      batch.weights === undefined || batch.weights.length === rows,
      'DIMENSION_MISMATCH',
      'fetch() returned weights of the wrong length',
    );
  }

  /** Each (group, build) gets its own stream, so a rebuild redraws the walk independently of the first build. */
  private groupRng(g: Group): Rng {
    return new Rng(this.seed + g.id * 0x9e37, g.builds);
  }
}

function validateKey(key: PointKey): void {
  assertArg(
    (typeof key === 'number' && Number.isSafeInteger(key) && key >= 0) ||
      (typeof key === 'string' && key.length > 0),
    'INVALID_ID',
    'point key must be an unsigned integer or a non-empty string',
  );
}

function moveRow(s: WeightedSummary, from: number, to: number): void {
  const d = s.dimension;
  const dv = s.valueDimension;
  s.vectors.copyWithin(to * d, from * d, (from + 1) * d);
  s.values.copyWithin(to * dv, from * dv, (from + 1) * dv);
  s.weights[to] = s.weights[from]!;
  s.mass[to] = s.mass[from]!;
  s.halvings[to] = s.halvings[from]!;
}
