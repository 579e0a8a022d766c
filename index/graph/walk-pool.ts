import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { assertArg, DitherError } from '../../src/errors.js';
import type { CsrGraph } from '../../src/graph/csr.js';
import { type AnyGraph, toCsr } from '../../src/graph/cut.js';
import {
  type LocalCluster,
  type LocalClusterOptions,
  localClusterFromWalks,
  resolveLocalOptions,
} from '../../src/graph/local.js';
import {
  type StitchOptions,
  type StitchResult,
  stitchWalks,
  type WalkRequest,
} from '../../src/graph/stitch.js';
import { WALK_BLOCK, walkSegments } from '../../src/graph/walks.js';
import type { WalkJob } from './walk-worker.js';

/** Requests below this many steps are answered on the calling thread: a message round trip costs more. */
const INLINE_STEPS = 20_000;

/** Copies a typed array into shared memory so that every worker reads the same graph without a copy. */
function shared<T extends Int32Array | Float64Array>(a: T): T {
  const ctor = a.constructor as { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new ctor(new SharedArrayBuffer(Math.max(1, a.length) * ctor.BYTES_PER_ELEMENT));
  out.set(a);
  return a.length ? out : (out.subarray(0, 0) as T);
}

/**
 * The worker script. From compiled JavaScript it is walk-worker.js next to this file; from TypeScript
 * sources (tests, tsx) the worker first loads tsx's module hooks so that it can import walk-worker.ts.
 */
function spawn(graph: CsrGraph): Worker {
  const js = new URL('./walk-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData: { graph } });
  const ts = new URL('./walk-worker.ts', import.meta.url).href;
  const api = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const boot = `import(${JSON.stringify(pathToFileURL(api).href)})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(ts)}); })`;
  return new Worker(boot, { eval: true, workerData: { graph }, execArgv: [] });
}

/**
 * A pool of worker threads that answer the random-walk requests of the stitching (`stitchWalks`). A request
 * is cut into shards of whole WALK_BLOCKs, one per thread, so the result is bit-identical to the
 * synchronous driver's whatever the number of threads.
 */
export class WalkWorkerPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<
    number,
    { resolve: (out: Int32Array) => void; reject: (err: unknown) => void }
  >();
  private nextId = 0;
  /** Requests being answered by the workers (they are ref'd while it is positive). */
  private inFlight = 0;
  readonly graph: CsrGraph;

  constructor(graph: AnyGraph, threads = Math.max(1, Math.min(4, cpus().length))) {
    assertArg(
      Number.isInteger(threads) && threads >= 1,
      'INVALID_ARGUMENT',
      'threads must be a positive integer',
    );
    const g = toCsr(graph);
    this.graph = {
      nodes: g.nodes,
      volume: g.volume,
      offsets: shared(g.offsets),
      targets: shared(g.targets),
      weights: shared(g.weights),
      degree: shared(g.degree),
    };
    this.workers = Array.from({ length: threads }, () => {
      const w = spawn(this.graph);
      w.on('message', (msg: { id: number; out: Int32Array }) => {
        const settle = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        settle?.resolve(msg.out);
      });
      // A dead worker fails every request in flight instead of leaving them pending forever.
      w.on('error', (err) => {
        const waiting = [...this.pending.values()];
        this.pending.clear();
        for (const p of waiting) p.reject(new DitherError('INTERNAL', 'walk worker failed', { cause: err }));
      });
      w.unref();
      return w;
    });
  }

  get threads(): number {
    return this.workers.length;
  }

  /** Answers one request: the paths of starts.length walks of req.length steps. */
  async run(req: WalkRequest): Promise<Int32Array> {
    const stride = req.length + 1;
    const out = new Int32Array(req.starts.length * stride);
    if (req.starts.length * req.length < INLINE_STEPS) {
      walkSegments(this.graph, req.starts, req.length, req.seed, out);
      return out;
    }
    const blocks = Math.ceil(req.starts.length / WALK_BLOCK);
    const perShard = Math.ceil(blocks / this.workers.length) * WALK_BLOCK;
    const jobs: Promise<void>[] = [];
    for (let s = 0, first = 0; first < req.starts.length; s++, first += perShard) {
      const id = this.nextId++;
      const job: WalkJob = {
        id,
        starts: req.starts.slice(first, first + perShard),
        length: req.length,
        seed: req.seed,
        firstIndex: first,
      };
      jobs.push(
        new Promise<void>((resolve, reject) => {
          this.pending.set(id, {
            resolve: (part) => {
              out.set(part, first * stride);
              resolve();
            },
            reject,
          });
          this.workers[s]!.postMessage(job, [job.starts.buffer as ArrayBuffer]);
        }),
      );
    }
    // Idle workers are unref'd so that an open pool does not keep the process alive; while a request is in
    // flight they must hold it open, or a script awaiting only this request exits (code 13) with it pending.
    for (const w of this.workers) w.ref();
    this.inFlight++;
    try {
      await Promise.all(jobs);
    } finally {
      if (--this.inFlight === 0) for (const w of this.workers) w.unref();
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Drives the stitching with the pool answering its requests (same walks as `runStitchedWalks`). */
export async function runStitchedWalksParallel(
  pool: WalkWorkerPool,
  seeds: Int32Array,
  options: StitchOptions,
): Promise<StitchResult> {
  const it = stitchWalks(seeds, options);
  let r = it.next();
  while (!r.done) r = it.next(await pool.run(r.value));
  return r.value;
}

/** `localCluster` with the walks drawn on the pool's worker threads; the result equals the synchronous one. */
export async function localClusterParallel(
  pool: WalkWorkerPool,
  seeds: ArrayLike<number>,
  options?: LocalClusterOptions,
): Promise<LocalCluster> {
  const r = resolveLocalOptions(pool.graph, seeds, options);
  const o = r.options;
  const walks = await runStitchedWalksParallel(pool, r.seeds, {
    walkLength: o.walkLength,
    walks: o.walks,
    seed: o.seed,
    slack: o.slack,
  });
  return localClusterFromWalks(pool.graph, walks.paths, walks.stats, o);
}
