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
 * new cycle's walk count, plus √ of it as slack — so work is only ever spent where earlier walks went and
 * grows with the volume the walks actually reach, never with the graph.
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
  /** Budget slack in standard deviations (default 1): budget = λ + slack·√λ for λ expected uses. */
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

/** Growable arena of segments: level-0 segments are steps (left = right = −1). */
class Segments {
  start = new Int32Array(1024);
  end = new Int32Array(1024);
  left = new Int32Array(1024);
  right = new Int32Array(1024);
  size = 0;

  add(start: number, end: number, left: number, right: number): number {
    if (this.size === this.start.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.start = grow(this.start);
      this.end = grow(this.end);
      this.left = grow(this.left);
      this.right = grow(this.right);
    }
    const id = this.size++;
    this.start[id] = start;
    this.end[id] = end;
    this.left[id] = left;
    this.right[id] = right;
    return id;
  }
}

interface Pool {
  ids: number[];
  /** Next unused id for consumers; ids[0..reserved) are first halves. */
  head: number;
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
  const slack = options.slack ?? 1;
  const top = Math.floor(Math.log2(ell));
  const startTimes = segmentStartTimes(ell);
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
  const touched = new Set<number>();
  // uses[j].get(v): how often finished walks needed a level-j segment at v.
  const uses: Array<Map<number, number>> = Array.from({ length: top + 1 }, () => new Map());
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
    for (let i = 0; i < out.length; i++) touched.add(out[i]!);
    return out;
  };

  while (done < total) {
    const count = Math.min(cycleWalks, total - done);
    stats.cycles++;
    const segs = new Segments();
    const pools: Array<Map<number, Pool>> = Array.from({ length: top + 2 }, () => new Map());
    const pool = (level: number, v: number): Pool => {
      let p = pools[level]!.get(v);
      if (p === undefined) {
        p = { ids: [], head: 0 };
        pools[level]!.set(v, p);
      }
      return p;
    };
    // Budgets from the walks finished so far: λ expected uses of level-j segments at v in this cycle.
    const budget: Array<Map<number, number>> = uses.map((m) => {
      const b = new Map<number, number>();
      if (done === 0) return b;
      for (const [v, c] of m) {
        const lambda = (c * count) / done;
        const want = Math.floor(lambda + slack * Math.sqrt(lambda) + 0.5);
        if (want > 0) b.set(v, want);
      }
      return b;
    });

    // Round 0: single steps at every budgeted node.
    let n0 = 0;
    for (const c of budget[0]!.values()) n0 += c;
    if (n0 > 0) {
      const starts = new Int32Array(n0);
      let i = 0;
      for (const [v, c] of budget[0]!) for (let r = 0; r < c; r++) starts[i++] = v;
      const out = yield* request(starts, 1);
      for (let s = 0; s < n0; s++)
        pool(0, starts[s]!).ids.push(segs.add(out[2 * s]!, out[2 * s + 1]!, -1, -1));
    }
    stats.rounds++;

    const cur = new Int32Array(count);
    for (let w = 0; w < count; w++) cur[w] = seeds[(done + w) % seeds.length]!;
    const walkSegs: number[][] = Array.from({ length: count }, () => []);

    for (let k = 0; k <= top; k++) {
      const extend = ((ell >> k) & 1) === 1;
      const next = k < top ? budget[k + 1]! : undefined;
      // Reserve first halves, then count what every node must supply from the rest of its pool.
      const need = new Map<number, number>();
      const firstHalves: number[] = [];
      for (const [v, p] of pools[k]!) {
        const reserve = next === undefined ? 0 : Math.min(next.get(v) ?? 0, p.ids.length);
        for (let i = 0; i < reserve; i++) firstHalves.push(p.ids[i]!);
        p.head = reserve;
      }
      for (const f of firstHalves) need.set(segs.end[f]!, (need.get(segs.end[f]!) ?? 0) + 1);
      if (extend) for (let w = 0; w < count; w++) need.set(cur[w]!, (need.get(cur[w]!) ?? 0) + 1);
      // Top-ups: fresh level-k segments where the pool is short, drawn as walks of 2^k steps in one request.
      let short = 0;
      const shortAt: number[] = [];
      for (const [v, c] of need) {
        const p = pools[k]!.get(v);
        const avail = p === undefined ? 0 : p.ids.length - p.head;
        if (c > avail) {
          shortAt.push(v, c - avail);
          short += c - avail;
        }
      }
      if (short > 0) {
        const len = 2 ** k;
        const starts = new Int32Array(short);
        let i = 0;
        for (let s = 0; s < shortAt.length; s += 2)
          for (let r = 0; r < shortAt[s + 1]!; r++) starts[i++] = shortAt[s]!;
        const out = yield* request(starts, len);
        stats.topUpSegments += short;
        stats.topUpSteps += short * len;
        const level = new Array<number>(len);
        for (let s = 0; s < short; s++) {
          const base = s * (len + 1);
          for (let t = 0; t < len; t++) level[t] = segs.add(out[base + t]!, out[base + t + 1]!, -1, -1);
          // Pair the steps up into a balanced tree so that the segment expands like a stitched one.
          for (let width = len; width > 1; width >>= 1)
            for (let t = 0; t < width; t += 2) {
              const a = level[t]!;
              const b = level[t + 1]!;
              level[t >> 1] = segs.add(segs.start[a]!, segs.end[b]!, a, b);
            }
          pool(k, starts[s]!).ids.push(level[0]!);
        }
      }
      const take = (v: number): number => {
        const p = pools[k]!.get(v)!;
        return p.ids[p.head++]!;
      };
      if (extend)
        for (let w = 0; w < count; w++) {
          const s = take(cur[w]!);
          walkSegs[w]!.push(s);
          cur[w] = segs.end[s]!;
        }
      if (next !== undefined)
        for (const f of firstHalves) {
          const s = take(segs.end[f]!);
          pool(k + 1, segs.start[f]!).ids.push(segs.add(segs.start[f]!, segs.end[s]!, f, s));
        }
      stats.rounds++;
    }

    // Expand the walks into paths and record where they needed segments of each level.
    const stack: number[] = [];
    for (let w = 0; w < count; w++) {
      const base = (done + w) * stride;
      let t = 0;
      paths[base] = seeds[(done + w) % seeds.length]!;
      for (const root of walkSegs[w]!) {
        stack.push(root);
        while (stack.length) {
          const s = stack.pop()!;
          if (segs.left[s]! < 0) paths[base + ++t] = segs.end[s]!;
          else stack.push(segs.right[s]!, segs.left[s]!);
        }
      }
      for (let j = 0; j <= top; j++) {
        const m = uses[j]!;
        for (const time of startTimes[j]!) {
          const v = paths[base + time]!;
          m.set(v, (m.get(v) ?? 0) + 1);
        }
      }
    }
    done += count;
    cycleWalks *= 2;
  }
  stats.touched = touched.size;
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
