import { DitherError } from '../errors.js';
import { Rng } from '../rng.js';
import type { CsrGraph } from './csr.js';
import { walkSegments } from './walks.js';

/**
 * Random walks from seed nodes built by stitching, after Kapralov, Lattanzi, Nouri & Tardos (2021),
 * "Efficient and Local Parallel Random Walks".
 *
 * A walk of length ℓ = Σ_{k ∈ bits(ℓ)} 2^k is the concatenation of one segment of length 2^k per set bit
 * (lowest first). A segment of length 2^{k+1} from u is a segment of length 2^k from u (first half) followed
 * by a *fresh* segment of length 2^k from wherever the first ended (second half). Round 0 draws single steps
 * at every budgeted node; round k + 1 pairs level-k segments into level-(k+1) ones and extends the walks by
 * their level-k segment — ⌊log₂ ℓ⌋ + 1 stitching rounds in all, each of which is local pairing work.
 *
 * Budgets (how many segments of each level to prepare at each node) are the local part of the paper: they
 * come from the walks of the previous cycle. Cycle 0 runs a few walks; each next cycle runs twice as many and
 * budgets every node by the number of times the finished walks needed a level-k segment there, scaled to the
 * new cycle's walk count (plus an optional slack·√ of it) — so work is only ever spent where earlier walks
 * went and grows with the volume the walks actually reach, never with the graph. Slack is off by default:
 * spare first halves end somewhere and create second-half demand there that no budget foresaw, so slack
 * raises waste and top-ups together (measured in bench/graph.ts).
 *
 * This is our reading of the paper's budgeting, not a transcription: budgets are re-estimated per cycle from
 * observed uses, and shortages are filled by fresh segments rather than by failing the walk.
 *
 * Exactness does not rest on the budgets. Each consumer at node v (a walk's extension, a second half) takes
 * the next unused segment of v's pool, in an order fixed before any of those segments' contents is looked at,
 * and no segment is used twice; every segment is an independent walk from its start. So every stitched walk
 * is distributed exactly as a sequential walk, and walks are mutually independent. When a pool runs dry a
 * fresh segment is drawn there (a top-up, counted in the stats): budgets only decide how much is wasted and
 * how much is topped up.
 *
 * The generator yields the random work (walks of a given length from given starts) and receives their paths,
 * so the same stitching drives a synchronous loop (`runStitchedWalks`) or worker threads.
 */

/** Random work the stitching needs: `starts.length` independent walks of `length` steps, seeded by `seed`. */
export interface WalkRequest {
  starts: Int32Array;
  length: number;
  seed: number;
}

export interface StitchOptions {
  walkLength: number;
  walks: number;
  seed: number;
  /** Walks in cycle 0 (default ⌈walks/32⌉, at least 1). */
  firstCycleWalks?: number;
  /** Budget slack in standard deviations (default 0): budget = round(λ + slack·√λ) for λ expected uses. */
  slack?: number;
}

export interface StitchStats {
  cycles: number;
  /** Stitching rounds (round 0 of each cycle plus one per level). */
  rounds: number;
  /** Requests yielded, including top-ups. */
  requests: number;
  /** All single steps drawn, used or wasted. */
  stepsGenerated: number;
  /** Steps in the returned walks (walks × walkLength). */
  stepsUsed: number;
  topUpSegments: number;
  topUpSteps: number;
  /** Distinct nodes any drawn step started or ended at. */
  touched: number;
}

export interface StitchResult {
  /** walks × (walkLength + 1) nodes; walk w starts at seeds[w mod seeds.length]. */
  paths: Int32Array;
  stats: StitchStats;
}

function grow(a: Int32Array<ArrayBuffer>, min: number, fill = 0): Int32Array<ArrayBuffer> {
  if (a.length >= min) return a;
  const b = new Int32Array(Math.max(min, a.length * 2));
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

/**
 * Growable arena of segments: level-0 segments are steps (left = right = −1); `next` chains a node's pool
 * of one level into a FIFO list.
 */
class Segments {
  start = new Int32Array(1024);
  end = new Int32Array(1024);
  left = new Int32Array(1024);
  right = new Int32Array(1024);
  next = new Int32Array(1024);
  size = 0;

  add(start: number, end: number, left: number, right: number): number {
    if (this.size === this.start.length) {
      const n = this.size * 2;
      this.start = grow(this.start, n);
      this.end = grow(this.end, n);
      this.left = grow(this.left, n);
      this.right = grow(this.right, n);
      this.next = grow(this.next, n);
    }
    const id = this.size++;
    this.start[id] = start;
    this.end[id] = end;
    this.left[id] = left;
    this.right[id] = right;
    this.next[id] = -1;
    return id;
  }
}

/**
 * Per-level, per-node state over *local* node numbers: every node the walks reach gets the next local
 * number on first sight, so all arrays grow with the nodes touched, never with the graph.
 */
class LocalTable {
  readonly localOf = new Map<number, number>();
  nodeOf = new Int32Array(256);
  count = 0;
  /** uses[j][L]: how often finished walks needed a level-j segment at local node L. */
  uses: Float64Array[];
  budget: Int32Array<ArrayBuffer>[];
  poolHead: Int32Array<ArrayBuffer>[];
  poolTail: Int32Array<ArrayBuffer>[];
  poolLen: Int32Array<ArrayBuffer>[];
  /** Next unused segment of the pool (−1 when exhausted). */
  cursor: Int32Array<ArrayBuffer>[];
  need = new Int32Array(256);

  constructor(readonly levels: number) {
    this.uses = Array.from({ length: levels }, () => new Float64Array(256));
    this.budget = Array.from({ length: levels }, () => new Int32Array(256));
    this.poolHead = Array.from({ length: levels }, () => new Int32Array(256).fill(-1));
    this.poolTail = Array.from({ length: levels }, () => new Int32Array(256).fill(-1));
    this.poolLen = Array.from({ length: levels }, () => new Int32Array(256));
    this.cursor = Array.from({ length: levels }, () => new Int32Array(256).fill(-1));
  }

  local(v: number): number {
    let l = this.localOf.get(v);
    if (l === undefined) {
      l = this.count++;
      this.localOf.set(v, l);
      if (l >= this.nodeOf.length) this.resize(2 * this.nodeOf.length);
      this.nodeOf[l] = v;
    }
    return l;
  }

  private resize(cap: number): void {
    this.nodeOf = grow(this.nodeOf, cap);
    this.need = grow(this.need, cap);
    for (let j = 0; j < this.levels; j++) {
      const u = new Float64Array(cap);
      u.set(this.uses[j]!);
      this.uses[j] = u;
      this.budget[j] = grow(this.budget[j]!, cap);
      this.poolHead[j] = grow(this.poolHead[j]!, cap, -1);
      this.poolTail[j] = grow(this.poolTail[j]!, cap, -1);
      this.poolLen[j] = grow(this.poolLen[j]!, cap);
      this.cursor[j] = grow(this.cursor[j]!, cap, -1);
    }
  }

  clearPools(): void {
    for (let j = 0; j < this.levels; j++) {
      this.poolHead[j]!.fill(-1);
      this.poolTail[j]!.fill(-1);
      this.poolLen[j]!.fill(0);
      this.cursor[j]!.fill(-1);
    }
  }

  push(level: number, l: number, seg: number, segs: Segments): void {
    const tail = this.poolTail[level]!;
    if (tail[l]! < 0) this.poolHead[level]![l] = seg;
    else segs.next[tail[l]!] = seg;
    tail[l] = seg;
    this.poolLen[level]![l]!++;
  }
}

/** Start offsets, within a walk of length ℓ, of every level-j segment of its canonical decomposition. */
export function segmentStartTimes(walkLength: number): number[][] {
  const top = Math.floor(Math.log2(walkLength));
  const times: number[][] = Array.from({ length: top + 1 }, () => []);
  let offset = 0;
  for (let k = 0; k <= top; k++) {
    if (!((walkLength >> k) & 1)) continue;
    for (let j = 0; j <= k; j++) for (let m = 0; m < 2 ** (k - j); m++) times[j]!.push(offset + m * 2 ** j);
    offset += 2 ** k;
  }
  return times;
}

export function* stitchWalks(
  seeds: Int32Array,
  options: StitchOptions,
): Generator<WalkRequest, StitchResult, Int32Array> {
  const ell = options.walkLength;
  const total = options.walks;
  const slack = options.slack ?? 0;
  const top = Math.floor(Math.log2(ell));
  const levels = top + 1;
  const startTimes = segmentStartTimes(ell).map((t) => Int32Array.from(t));
  const stride = ell + 1;
  const paths = new Int32Array(total * stride);
  const rng = new Rng(options.seed, 0x57c);
  const stats: StitchStats = {
    cycles: 0,
    rounds: 0,
    requests: 0,
    stepsGenerated: 0,
    stepsUsed: total * ell,
    topUpSegments: 0,
    topUpSteps: 0,
    touched: 0,
  };
  const table = new LocalTable(levels + 1);
  for (let i = 0; i < seeds.length; i++) table.local(seeds[i]!);
  let done = 0;
  let cycleWalks = Math.min(total, Math.max(1, options.firstCycleWalks ?? Math.ceil(total / 32)));

  const request = function* (
    starts: Int32Array,
    length: number,
  ): Generator<WalkRequest, Int32Array, Int32Array> {
    stats.requests++;
    const out = yield { starts, length, seed: rng.nextU32() };
    if (!(out instanceof Int32Array) || out.length !== starts.length * (length + 1))
      throw new DitherError('INTERNAL', 'walk request answered with the wrong number of nodes');
    stats.stepsGenerated += starts.length * length;
    for (let i = 0; i < out.length; i++) table.local(out[i]!);
    return out;
  };

  const localPath = new Int32Array(stride);
  while (done < total) {
    const count = Math.min(cycleWalks, total - done);
    stats.cycles++;
    const segs = new Segments();
    table.clearPools();
    // Budgets from the walks finished so far: λ expected uses of level-j segments at L in this cycle.
    const locals = table.count;
    let n0 = 0;
    for (let j = 0; j < levels; j++) {
      const b = table.budget[j]!;
      const u = table.uses[j]!;
      for (let l = 0; l < locals; l++) {
        const lambda = done === 0 ? 0 : (u[l]! * count) / done;
        b[l] = Math.floor(lambda + slack * Math.sqrt(lambda) + 0.5);
        if (j === 0) n0 += b[l]!;
      }
    }

    // Round 0: single steps at every budgeted node.
    if (n0 > 0) {
      const starts = new Int32Array(n0);
      const b0 = table.budget[0]!;
      let i = 0;
      for (let l = 0; l < locals; l++) for (let r = 0; r < b0[l]!; r++) starts[i++] = table.nodeOf[l]!;
      const out = yield* request(starts, 1);
      for (let s = 0; s < n0; s++) {
        const seg = segs.add(out[2 * s]!, out[2 * s + 1]!, -1, -1);
        table.push(0, table.localOf.get(starts[s]!)!, seg, segs);
      }
    }
    stats.rounds++;

    const cur = new Int32Array(count);
    for (let w = 0; w < count; w++) cur[w] = seeds[(done + w) % seeds.length]!;
    const walkSegs = new Int32Array(count * levels).fill(-1);

    for (let k = 0; k <= top; k++) {
      const extend = ((ell >> k) & 1) === 1;
      const hasNext = k < top;
      const nextBudget = table.budget[k + 1]!;
      const head = table.poolHead[k]!;
      const len = table.poolLen[k]!;
      const cursor = table.cursor[k]!;
      const need = table.need;
      const nLocals = table.count;
      need.fill(0, 0, nLocals);
      // Reserve first halves at the front of each pool; consumers start after them.
      const firstHalves: number[] = [];
      for (let l = 0; l < nLocals; l++) {
        let seg = head[l]!;
        const reserve = hasNext ? Math.min(nextBudget[l]!, len[l]!) : 0;
        for (let i = 0; i < reserve; i++) {
          firstHalves.push(seg);
          seg = segs.next[seg]!;
        }
        cursor[l] = seg;
        len[l]! -= reserve; // now: unused segments available to consumers
      }
      for (const f of firstHalves) need[table.localOf.get(segs.end[f]!)!]!++;
      if (extend) for (let w = 0; w < count; w++) need[table.localOf.get(cur[w]!)!]!++;
      // Top-ups: fresh level-k segments where a pool is short, drawn as walks of 2^k steps in one request.
      let short = 0;
      for (let l = 0; l < nLocals; l++) if (need[l]! > len[l]!) short += need[l]! - len[l]!;
      if (short > 0) {
        const steps = 2 ** k;
        const starts = new Int32Array(short);
        let i = 0;
        for (let l = 0; l < nLocals; l++)
          for (let r = len[l]!; r < need[l]!; r++) starts[i++] = table.nodeOf[l]!;
        const out = yield* request(starts, steps);
        stats.topUpSegments += short;
        stats.topUpSteps += short * steps;
        const level = new Int32Array(steps);
        for (let s = 0; s < short; s++) {
          const base = s * (steps + 1);
          for (let t = 0; t < steps; t++) level[t] = segs.add(out[base + t]!, out[base + t + 1]!, -1, -1);
          // Pair the steps up into a balanced tree so that the segment expands like a stitched one.
          for (let width = steps; width > 1; width >>= 1)
            for (let t = 0; t < width; t += 2) {
              const a = level[t]!;
              const b = level[t + 1]!;
              level[t >> 1] = segs.add(segs.start[a]!, segs.end[b]!, a, b);
            }
          const l = table.localOf.get(starts[s]!)!;
          table.push(k, l, level[0]!, segs);
          if (cursor[l]! < 0) cursor[l] = level[0]!;
        }
      }
      const take = (v: number): number => {
        const l = table.localOf.get(v)!;
        const seg = cursor[l]!;
        cursor[l] = segs.next[seg]!;
        return seg;
      };
      if (extend)
        for (let w = 0; w < count; w++) {
          const s = take(cur[w]!);
          walkSegs[w * levels + k] = s;
          cur[w] = segs.end[s]!;
        }
      if (hasNext)
        for (const f of firstHalves) {
          const s = take(segs.end[f]!);
          const seg = segs.add(segs.start[f]!, segs.end[s]!, f, s);
          table.push(k + 1, table.localOf.get(segs.start[f]!)!, seg, segs);
        }
      stats.rounds++;
    }

    // Expand the walks into paths and record where they needed segments of each level.
    const stack: number[] = [];
    for (let w = 0; w < count; w++) {
      const base = (done + w) * stride;
      let t = 0;
      paths[base] = seeds[(done + w) % seeds.length]!;
      for (let k = 0; k <= top; k++) {
        const root = walkSegs[w * levels + k]!;
        if (root < 0) continue;
        stack.push(root);
        while (stack.length) {
          const s = stack.pop()!;
          if (segs.left[s]! < 0) paths[base + ++t] = segs.end[s]!;
          else stack.push(segs.right[s]!, segs.left[s]!);
        }
      }
      for (let i = 0; i < stride; i++) localPath[i] = table.localOf.get(paths[base + i]!)!;
      for (let j = 0; j <= top; j++) {
        const u = table.uses[j]!;
        const times = startTimes[j]!;
        for (let i = 0; i < times.length; i++) u[localPath[times[i]!]!]!++;
      }
    }
    done += count;
    cycleWalks *= 2;
  }
  stats.touched = table.count;
  return { paths, stats };
}

/** Drives `stitchWalks` synchronously, answering every request on this thread. */
export function runStitchedWalks(g: CsrGraph, seeds: Int32Array, options: StitchOptions): StitchResult {
  const it = stitchWalks(seeds, options);
  let r = it.next();
  while (!r.done) {
    const req = r.value;
    const out = new Int32Array(req.starts.length * (req.length + 1));
    walkSegments(g, req.starts, req.length, req.seed, out);
    r = it.next(out);
  }
  return r.value;
}
