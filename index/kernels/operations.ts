/**
 * Kernel requests on a collection — the library methods behind `/collections/{name}/kernel/...`:
 * kernelDensityOf, attentionOf and kernelMatVecOf. Each validates the request at this edge (so a bad request
 * fails before any data is read), brings the collection's view up to date (collection-state.ts), runs the
 * index searches it needs, and then calls the pure estimator of src/kernels in one synchronous step.
 *
 * Queries are used as given, except in cosine collections, whose stored vectors are unit-normalised: there
 * queries are normalised too, so kernels see the same geometry as search.
 */
import { assertArg } from '../../src/errors.js';
import {
  type AttentionMethod,
  attention,
  type DensityMethod,
  type KernelSpec,
  kernelDensity,
  kernelMatVec,
  validateKernel,
} from '../../src/kernels/index.js';
import { toQuery, validatePositive, validatePositiveInt } from '../../src/kernels/validate.js';
import type { Collection } from '../collection.js';
import { kernelStateOf } from './collection-state.js';
import { kernelOrder, precomputedNearest, searchCandidates } from './nearest.js';
import { checkPayloadKey, payloadField, valuesOf, weightsOf } from './payload-values.js';

/** Queries per request at most: each costs up to one pass over the collection (exact) on the event loop. */
export const MAX_KERNEL_QUERIES = 256;
/** Neighbours summed exactly by `ann` density and the matvec's heavy part unless the request says otherwise. */
export const DEFAULT_KERNEL_NEIGHBOURS = 64;
/** Upper bound on `neighbours`: the collection's search returns at most 10 000 results. */
export const MAX_KERNEL_NEIGHBOURS = 10_000;

const DENSITY_METHODS: readonly DensityMethod[] = ['exact', 'sampling', 'ann', 'coreset'];
const ATTENTION_METHODS: readonly AttentionMethod[] = ['exact', 'sampling', 'coreset'];

export interface KernelDensityRequest {
  queries: readonly ArrayLike<number>[];
  kernel: KernelSpec;
  method: DensityMethod;
  /** sampling/ann: target relative standard error (default 0.05). */
  epsilon?: number;
  /** Numeric payload key giving each point's weight w_j (default: all 1). */
  weightKey?: string;
  /** sampling/ann: a fixed number of uniform samples instead of the ε rule. */
  samples?: number;
  /** ann: neighbours summed exactly (default 64). */
  neighbours?: number;
  seed?: number;
}

export interface KernelDensityAnswer {
  densities: number[];
  /** Standard error per density (0 for exact). */
  errors: number[];
  /** Points read (kernel evaluations) per query. */
  touched: number[];
}

export interface AttentionRequest {
  queries: readonly ArrayLike<number>[];
  /** Payload key of v_j: a number, or a numeric array of the same length for every point. */
  valueKey: string;
  temperature: number;
  method: AttentionMethod;
  /** sampling: rows drawn (default 1024). */
  samples?: number;
  seed?: number;
}

export interface AttentionAnswer {
  /** One per query: a number when the values are numbers, an array when they are arrays. */
  outputs: (number | number[])[];
  touched: number[];
}

export interface KernelMatVecRequest {
  queries: readonly ArrayLike<number>[];
  kernel: KernelSpec;
  /** Numeric payload key giving w. */
  weightKey: string;
  /** Target ‖y − K w‖₂ ≤ ε‖w‖₂ with probability ≥ 1 − failureProbability. */
  epsilon: number;
  failureProbability?: number;
  /** Heavy entries looked up per query through the index (default 64). */
  neighbours?: number;
  seed?: number;
}

export interface KernelMatVecAnswer {
  values: number[];
  errors: number[];
  touched: number[];
  /** ε‖w‖₂. */
  bound: number;
}

/** F(q) = (1/n) Σ_j w_j k(q, x_j) for each query; see docs/kernels.md for the methods and their errors. */
export async function kernelDensityOf(
  collection: Collection,
  request: KernelDensityRequest,
): Promise<KernelDensityAnswer> {
  validateKernel(request.kernel);
  assertArg(
    DENSITY_METHODS.includes(request.method),
    'INVALID_ARGUMENT',
    `method must be one of ${DENSITY_METHODS.join(', ')}`,
  );
  const queries = prepareQueries(collection, request.queries);
  if (request.epsilon !== undefined) validatePositive(request.epsilon, 'epsilon');
  if (request.samples !== undefined) validatePositiveInt(request.samples, 'samples');
  if (request.weightKey !== undefined) checkPayloadKey(request.weightKey, 'weight_key');
  const m = neighboursOf(request.neighbours);
  checkSeed(request.seed);
  const state = kernelStateOf(collection);
  return state.exclusive(async () => {
    const view = await state.currentView();
    const weights = weightsOf(view, request.weightKey);
    const coreset =
      request.method === 'coreset'
        ? await state.coresets.get(
            { kind: 'density', kernel: request.kernel, weightKey: request.weightKey },
            view,
          )
        : undefined;
    const neighbourIds =
      request.method === 'ann' ? await searchCandidates(collection, queries, m, view.count) : undefined;
    // From here to the return nothing awaits: the view is the snapshot the searches' ids are mapped into.
    const r = kernelDensity(view.pointSet(), queries, {
      kernel: request.kernel,
      method: request.method,
      weights,
      neighbours: m,
      ...(request.epsilon === undefined ? {} : { epsilon: request.epsilon }),
      ...(request.samples === undefined ? {} : { samples: request.samples }),
      ...(request.seed === undefined ? {} : { seed: request.seed }),
      ...(coreset === undefined ? {} : { coreset }),
      ...(neighbourIds === undefined
        ? {}
        : { nearest: precomputedNearest(view, queries, neighbourIds, kernelOrder(request.kernel.type)) }),
    });
    return {
      densities: Array.from(r.densities),
      errors: Array.from(r.errors),
      touched: Array.from(r.touched),
    };
  });
}

/** Σ_j e^{⟨q,x_j⟩/τ} v_j / Σ_j e^{⟨q,x_j⟩/τ} for each query, v_j read from the payload at `valueKey`. */
export async function attentionOf(
  collection: Collection,
  request: AttentionRequest,
): Promise<AttentionAnswer> {
  validatePositive(request.temperature, 'temperature');
  assertArg(
    ATTENTION_METHODS.includes(request.method),
    'INVALID_ARGUMENT',
    `method must be one of ${ATTENTION_METHODS.join(', ')}`,
  );
  const queries = prepareQueries(collection, request.queries);
  checkPayloadKey(request.valueKey, 'value_key');
  if (request.samples !== undefined) validatePositiveInt(request.samples, 'samples');
  checkSeed(request.seed);
  const state = kernelStateOf(collection);
  return state.exclusive(async () => {
    const view = await state.currentView();
    const { values, dv } = valuesOf(view, request.valueKey);
    const scalar = view.count === 0 || !Array.isArray(payloadField(view.payload(0), request.valueKey));
    const coreset =
      request.method === 'coreset'
        ? await state.coresets.get(
            { kind: 'attention', valueKey: request.valueKey, temperature: request.temperature },
            view,
          )
        : undefined;
    const r = attention(view.pointSet(), values, dv, queries, {
      temperature: request.temperature,
      method: request.method,
      ...(request.samples === undefined ? {} : { samples: request.samples }),
      ...(request.seed === undefined ? {} : { seed: request.seed }),
      ...(coreset === undefined ? {} : { coreset }),
    });
    return {
      outputs: r.outputs.map((o) => (scalar ? o[0]! : Array.from(o))),
      touched: r.touched,
    };
  });
}

/** y = K w for the queries against the collection, w from the payload at `weightKey`, to ε‖w‖₂. */
export async function kernelMatVecOf(
  collection: Collection,
  request: KernelMatVecRequest,
): Promise<KernelMatVecAnswer> {
  validateKernel(request.kernel);
  const queries = prepareQueries(collection, request.queries);
  checkPayloadKey(request.weightKey, 'weight_key');
  validatePositive(request.epsilon, 'epsilon');
  if (request.failureProbability !== undefined) {
    validatePositive(request.failureProbability, 'failure_probability');
    assertArg(request.failureProbability < 1, 'INVALID_ARGUMENT', 'failure_probability must be below 1');
  }
  const m = neighboursOf(request.neighbours);
  checkSeed(request.seed);
  const state = kernelStateOf(collection);
  return state.exclusive(async () => {
    const view = await state.currentView();
    const weights = weightsOf(view, request.weightKey);
    const neighbourIds = await searchCandidates(collection, queries, m, view.count);
    const r = kernelMatVec(view.pointSet(), queries, {
      kernel: request.kernel,
      weights,
      epsilon: request.epsilon,
      neighbours: m,
      nearest: precomputedNearest(view, queries, neighbourIds, kernelOrder(request.kernel.type)),
      ...(request.failureProbability === undefined ? {} : { failureProbability: request.failureProbability }),
      ...(request.seed === undefined ? {} : { seed: request.seed }),
    });
    return {
      values: Array.from(r.values),
      errors: Array.from(r.errors),
      touched: Array.from(r.touched),
      bound: r.bound,
    };
  });
}

/** Checks the batch (size, lengths, finiteness) and returns float64 copies, unit-normalised for cosine. */
function prepareQueries(collection: Collection, queries: readonly ArrayLike<number>[]): Float64Array[] {
  assertArg(Array.isArray(queries), 'INVALID_ARGUMENT', 'queries must be an array of vectors');
  assertArg(
    queries.length <= MAX_KERNEL_QUERIES,
    'BATCH_TOO_LARGE',
    `at most ${MAX_KERNEL_QUERIES} queries per request, got ${queries.length}`,
  );
  const d = collection.config.dimension;
  const cosine = collection.config.metric === 'cosine';
  return queries.map((q) => {
    const v = toQuery(q, d);
    if (cosine) {
      let s = 0;
      for (let i = 0; i < d; i++) s += v[i]! * v[i]!;
      if (s > 0) {
        const inv = 1 / Math.sqrt(s);
        for (let i = 0; i < d; i++) v[i] = v[i]! * inv;
      }
    }
    return v;
  });
}

function neighboursOf(neighbours: number | undefined): number {
  const m = neighbours ?? DEFAULT_KERNEL_NEIGHBOURS;
  validatePositiveInt(m, 'neighbours');
  assertArg(
    m <= MAX_KERNEL_NEIGHBOURS,
    'INVALID_ARGUMENT',
    `neighbours must be at most ${MAX_KERNEL_NEIGHBOURS}`,
  );
  return m;
}

function checkSeed(seed: number | undefined): void {
  assertArg(
    seed === undefined || (Number.isSafeInteger(seed) && seed >= 0),
    'INVALID_ARGUMENT',
    'seed must be a non-negative integer',
  );
}
