import { assertArg, DitherError } from '../errors.js';
import { binningTransform, createBinning } from '../features/binning.js';
import type { KernelSpec } from '../features/kernel.js';
import { createLeverageRff } from '../features/leverage.js';
import { type FeatureMap, isDense } from '../features/map.js';
import { createRff, type RffMap, rffTransform } from '../features/rff.js';
import { Rng } from '../rng.js';
import { DenseDesign, type Design, SparseDesign } from './design.js';
import { exactPredict, kernelMatrix, solveKernelSystem } from './exact.js';
import { GramAccumulator } from './gram.js';
import { type Matrix, type MatrixInput, toMatrix } from './matrix.js';
import { ridgeCg, ridgeCholesky } from './solve.js';
import { type ModelSpec, validateModelSpec } from './spec.js';

/**
 * Kernel ridge regression models on plain arrays: train on (X, y) under a ModelSpec, predict numbers
 * (regression) or the class labels as given (classification, through one-hot targets and argmax).
 * Targets are centred (the mean is added back at prediction), which stands in for an unpenalised intercept.
 */
export type Label = string | number;

export interface Model {
  spec: ModelSpec;
  dim: number;
  /** The λ used (the chosen one when spec.lambda is 'auto'). */
  lambda: number;
  /** Class labels in output order (classification), or null. */
  classes: Label[] | null;
  outputs: number;
  yMean: Float64Array;
  /** Feature map (null for exact KRR). */
  map: FeatureMap | null;
  /** W (D × outputs) on features, or α (n × outputs) for exact KRR. */
  weights: Float64Array;
  /** Training inputs kept by exact KRR (n × dim), or null. */
  train: Float64Array | null;
  /** k-fold validation mean squared error per λ tried ('auto' only). */
  validation: { lambda: number; error: number }[];
}

export interface TrainProgress {
  phase: 'features' | 'validate' | 'solve';
  done: number;
  total: number;
}

export interface TrainOptions {
  seed?: number;
  /** Folds for lambda 'auto' (default 5). */
  folds?: number;
  /** Candidate λ for 'auto' (default 10^−6 … 10^3). */
  lambdaGrid?: readonly number[];
  /** Rows per chunk between yields (default 256). */
  chunkRows?: number;
  /** Normal equations by Cholesky or conjugate gradient; default Cholesky for dense D ≤ 8192, CG otherwise. */
  solver?: 'cholesky' | 'cg';
  /** Called after every chunk and solve step. */
  onProgress?: (p: TrainProgress) => void;
  /** Aborts between chunks (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

export const DEFAULT_LAMBDA_GRID: readonly number[] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000];
/** Exact KRR holds an n × n matrix: 20 000 rows are 3.2 GB. */
export const MAX_EXACT_ROWS = 20_000;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Ctx {
  x: Matrix;
  y: Float64Array;
  outputs: number;
  kernel: KernelSpec;
  options: TrainOptions;
  chunk: number;
  folds: number;
  foldOf: Uint8Array;
  grid: readonly number[];
}

/**
 * Trains a model. Long loops run in chunks of rows with a yield to the event loop between chunks, so a server
 * stays responsive; a single Cholesky factorisation (D³/3 or n³/3 flops) is the one step that does not yield —
 * run training in a worker thread when D or n is in the thousands (every input and output is a typed array).
 */
export async function trainModel(
  xInput: MatrixInput,
  yInput: readonly Label[] | Float64Array | Float32Array,
  specInput: ModelSpec,
  options: TrainOptions = {},
): Promise<Model> {
  const spec = validateModelSpec(specInput);
  const x = toMatrix(xInput);
  assertArg(x.rows >= 2, 'INVALID_ARGUMENT', 'training needs at least two rows');
  assertArg(
    yInput.length === x.rows,
    'DIMENSION_MISMATCH',
    `got ${yInput.length} targets for ${x.rows} rows`,
  );
  const chunk = options.chunkRows ?? 256;
  assertArg(Number.isInteger(chunk) && chunk > 0, 'INVALID_ARGUMENT', 'chunkRows must be a positive integer');
  const folds = options.folds ?? 5;
  assertArg(
    Number.isInteger(folds) && folds >= 2 && folds <= 50 && (spec.lambda !== 'auto' || folds <= x.rows),
    'INVALID_ARGUMENT',
    'folds must be an integer from 2 to min(50, rows)',
  );
  const grid = options.lambdaGrid ?? DEFAULT_LAMBDA_GRID;
  assertArg(
    grid.length > 0 && grid.every((l) => Number.isFinite(l) && l > 0),
    'INVALID_ARGUMENT',
    'lambdaGrid must hold positive numbers',
  );

  const { targets, outputs, classes } = encodeTargets(yInput, spec.task);
  const yMean = new Float64Array(outputs);
  for (let i = 0; i < x.rows; i++)
    for (let c = 0; c < outputs; c++) yMean[c] = yMean[c]! + targets[i * outputs + c]!;
  for (let c = 0; c < outputs; c++) yMean[c] = yMean[c]! / x.rows;
  for (let i = 0; i < x.rows; i++)
    for (let c = 0; c < outputs; c++) targets[i * outputs + c] = targets[i * outputs + c]! - yMean[c]!;

  const rng = new Rng(options.seed ?? 0, 0x4b);
  const perm = rng.permutation(x.rows);
  const foldOf = new Uint8Array(x.rows);
  for (let i = 0; i < x.rows; i++) foldOf[perm[i]!] = i % folds;
  const kernel: KernelSpec = { kind: spec.features.kernel, bandwidth: spec.features.bandwidth };
  if (spec.features.nu !== undefined) kernel.nu = spec.features.nu;
  const ctx: Ctx = { x, y: targets, outputs, kernel, options, chunk, folds, foldOf, grid };
  const seed = options.seed ?? 0;
  const base = { spec, dim: x.cols, classes, outputs, yMean };

  if (spec.features.type === 'exact') {
    assertArg(x.rows <= MAX_EXACT_ROWS, 'INVALID_ARGUMENT', `exact KRR is limited to ${MAX_EXACT_ROWS} rows`);
    const r = await fitExact(ctx, spec.lambda);
    return {
      ...base,
      lambda: r.lambda,
      map: null,
      weights: r.alpha,
      train: Float64Array.from(x.data),
      validation: r.validation,
    };
  }
  const count = spec.features.count!;
  let map: FeatureMap;
  let lambda = spec.lambda;
  let validation: Model['validation'] = [];
  if (spec.features.type === 'rff') map = createRff(kernel, x.cols, count, seed);
  else if (spec.features.type === 'binning') map = createBinning(kernel, x.data, x.rows, x.cols, count, seed);
  else {
    // The leverage distribution depends on λ: with 'auto', λ is first chosen by k-fold on plain RFF of the same
    // kernel and count, then the leverage features are drawn for that λ.
    if (lambda === 'auto') {
      const pilot = await fitFeatures(ctx, createRff(kernel, x.cols, count, seed), 'auto');
      lambda = pilot.lambda;
      validation = pilot.validation;
    }
    map = createLeverageRff(kernel, x.data, x.rows, x.cols, count, { lambda }, seed);
  }
  const r = await fitFeatures(ctx, map, lambda);
  return {
    ...base,
    lambda: r.lambda,
    map,
    weights: r.w,
    train: null,
    validation: r.validation.length > 0 ? r.validation : validation,
  };
}

function encodeTargets(
  y: readonly Label[] | Float64Array | Float32Array,
  task: ModelSpec['task'],
): { targets: Float64Array; outputs: number; classes: Label[] | null } {
  if (task === 'regression') {
    const t = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) {
      const v = y[i];
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new DitherError('NON_FINITE_VALUE', `target ${i} is not a finite number`);
      t[i] = v;
    }
    return { targets: t, outputs: 1, classes: null };
  }
  const seen = new Map<Label, number>();
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new DitherError('NON_FINITE_VALUE', `label ${i} is not finite`);
    } else assertArg(typeof v === 'string', 'INVALID_ARGUMENT', `label ${i} must be a string or a number`);
    if (!seen.has(v as Label)) seen.set(v as Label, seen.size);
  }
  const classes = [...seen.keys()].sort((a, b) =>
    typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === 'number' ? -1 : 1,
  );
  assertArg(classes.length >= 2, 'INVALID_ARGUMENT', 'classification needs at least two classes');
  const index = new Map<Label, number>(classes.map((c, i) => [c, i]));
  const k = classes.length;
  const t = new Float64Array(y.length * k);
  for (let i = 0; i < y.length; i++) t[i * k + index.get(y[i] as Label)!] = 1;
  return { targets: t, outputs: k, classes };
}

function report(ctx: Ctx, phase: TrainProgress['phase'], done: number, total: number): void {
  ctx.options.signal?.throwIfAborted();
  ctx.options.onProgress?.({ phase, done, total });
}

/** Squared validation error Σ‖z_iᵀW − y_i‖² from the fold's Gram G_f, B_f = Z_fᵀY_f and ‖Y_f‖². */
function quadraticError(
  w: Float64Array,
  g: Float64Array,
  b: Float64Array,
  yy: number,
  D: number,
  K: number,
): number {
  let e = yy;
  const gw = new Float64Array(D * K);
  for (let i = 0; i < D; i++)
    for (let j = 0; j < D; j++) {
      const gij = g[i * D + j]!;
      if (gij === 0) continue;
      for (let c = 0; c < K; c++) gw[i * K + c] = gw[i * K + c]! + gij * w[j * K + c]!;
    }
  for (let i = 0; i < D * K; i++) e += w[i]! * gw[i]! - 2 * w[i]! * b[i]!;
  return e;
}

async function fitFeatures(
  ctx: Ctx,
  map: FeatureMap,
  lambdaSpec: number | 'auto',
): Promise<{ w: Float64Array; lambda: number; validation: Model['validation'] }> {
  const { x, outputs: K } = ctx;
  const D = map.count;
  const useCg =
    !isDense(map) || ctx.options.solver === 'cg' || (ctx.options.solver === undefined && D > 8192);
  if (useCg) return fitFeaturesCg(ctx, map, lambdaSpec, await buildDesign(ctx, map));
  const dense = map as RffMap;
  const auto = lambdaSpec === 'auto';
  const groups = auto ? ctx.folds : 1;
  const acc = Array.from({ length: groups }, () => new GramAccumulator(D, K, ctx.chunk));
  const yy = new Float64Array(groups);
  const xs = new Float64Array(ctx.chunk * x.cols);
  const z = new Float64Array(ctx.chunk * D);
  const ys = new Float64Array(ctx.chunk * K);
  let done = 0;
  for (let f = 0; f < groups; f++) {
    // Gather the fold's rows into chunks so each Gram accumulator sees only its own fold.
    let filled = 0;
    const flush = async () => {
      if (filled === 0) return;
      rffTransform(dense, xs, 0, filled, z);
      acc[f]!.add(z, ys, filled);
      done += filled;
      filled = 0;
      report(ctx, 'features', done, x.rows);
      await yieldToLoop();
    };
    for (let i = 0; i < x.rows; i++) {
      if (auto && ctx.foldOf[i] !== f) continue;
      for (let k = 0; k < x.cols; k++) xs[filled * x.cols + k] = x.data[i * x.cols + k]!;
      for (let c = 0; c < K; c++) {
        const v = ctx.y[i * K + c]!;
        ys[filled * K + c] = v;
        yy[f] = yy[f]! + v * v;
      }
      filled++;
      if (filled === ctx.chunk) await flush();
    }
    await flush();
  }
  const grams = acc.map((a) => a.gram());
  const rhss = acc.map((a) => a.rhs());
  let g = grams[0]!;
  let b = rhss[0]!;
  if (groups > 1) {
    g = new Float64Array(D * D);
    b = new Float64Array(D * K);
    for (let f = 0; f < groups; f++) {
      for (let i = 0; i < D * D; i++) g[i] = g[i]! + grams[f]![i]!;
      for (let i = 0; i < D * K; i++) b[i] = b[i]! + rhss[f]![i]!;
    }
  }
  let lambda: number;
  const validation: Model['validation'] = [];
  if (lambdaSpec === 'auto') {
    const gTrain = new Float64Array(D * D);
    const bTrain = new Float64Array(D * K);
    let step = 0;
    for (const l of ctx.grid) {
      let err = 0;
      for (let f = 0; f < groups; f++) {
        for (let i = 0; i < D * D; i++) gTrain[i] = g[i]! - grams[f]![i]!;
        for (let i = 0; i < D * K; i++) bTrain[i] = b[i]! - rhss[f]![i]!;
        const w = ridgeCholesky(gTrain, D, bTrain, K, l);
        err += quadraticError(w, grams[f]!, rhss[f]!, yy[f]!, D, K);
        report(ctx, 'validate', ++step, ctx.grid.length * groups);
        await yieldToLoop();
      }
      validation.push({ lambda: l, error: err / x.rows });
    }
    lambda = bestLambda(validation);
  } else lambda = lambdaSpec;
  const w = ridgeCholesky(g, D, b, K, lambda);
  report(ctx, 'solve', 1, 1);
  return { w, lambda, validation };
}

function bestLambda(v: Model['validation']): number {
  let best = v[0]!;
  for (const e of v) if (e.error < best.error) best = e;
  return best.lambda;
}

async function buildDesign(ctx: Ctx, map: FeatureMap): Promise<Design> {
  const { x } = ctx;
  if (!isDense(map)) {
    const s = binningTransform(map, x.data, 0, x.rows);
    report(ctx, 'features', x.rows, x.rows);
    return new SparseDesign(s, map.count);
  }
  const design = new DenseDesign(x.rows, map.count, ctx.chunk);
  const z = new Float64Array(ctx.chunk * map.count);
  for (let r = 0; r < x.rows; r += ctx.chunk) {
    const e = Math.min(x.rows, r + ctx.chunk);
    rffTransform(map, x.data, r, e, z);
    design.setRows(r, z, e - r);
    report(ctx, 'features', e, x.rows);
    await yieldToLoop();
  }
  return design;
}

async function fitFeaturesCg(
  ctx: Ctx,
  map: FeatureMap,
  lambdaSpec: number | 'auto',
  design: Design,
): Promise<{ w: Float64Array; lambda: number; validation: Model['validation'] }> {
  const { outputs: K, y } = ctx;
  const D = map.count;
  const solve = (include: Uint8Array | null, l: number) =>
    ridgeCg(
      (v, out) => design.apply(v, out, include),
      design.diag(include),
      D,
      design.rhs(y, K, include),
      K,
      l,
    ).w;
  let lambda: number;
  const validation: Model['validation'] = [];
  if (lambdaSpec === 'auto') {
    const pred = new Float64Array(K);
    let step = 0;
    const errors = new Float64Array(ctx.grid.length);
    for (let f = 0; f < ctx.folds; f++) {
      const include = new Uint8Array(design.rows);
      for (let i = 0; i < design.rows; i++) include[i] = ctx.foldOf[i] === f ? 0 : 1;
      for (let li = 0; li < ctx.grid.length; li++) {
        const w = solve(include, ctx.grid[li]!);
        for (let i = 0; i < design.rows; i++) {
          if (include[i] === 1) continue;
          design.predictRow(i, w, K, pred, 0);
          for (let c = 0; c < K; c++) errors[li] = errors[li]! + (pred[c]! - y[i * K + c]!) ** 2;
        }
        report(ctx, 'validate', ++step, ctx.grid.length * ctx.folds);
        await yieldToLoop();
      }
    }
    ctx.grid.forEach((l, li) => {
      validation.push({ lambda: l, error: errors[li]! / design.rows });
    });
    lambda = bestLambda(validation);
  } else lambda = lambdaSpec;
  const w = solve(null, lambda);
  report(ctx, 'solve', 1, 1);
  return { w, lambda, validation };
}

async function fitExact(
  ctx: Ctx,
  lambdaSpec: number | 'auto',
): Promise<{ alpha: Float64Array; lambda: number; validation: Model['validation'] }> {
  const { x, outputs: K, y, kernel } = ctx;
  const n = x.rows;
  const validation: Model['validation'] = [];
  let lambda: number;
  if (lambdaSpec === 'auto') {
    const errors = new Float64Array(ctx.grid.length);
    let step = 0;
    for (let f = 0; f < ctx.folds; f++) {
      const trainIdx: number[] = [];
      const testIdx: number[] = [];
      for (let i = 0; i < n; i++) (ctx.foldOf[i] === f ? testIdx : trainIdx).push(i);
      const m = trainIdx.length;
      const k0 = kernelMatrix(kernel, x.data, x.cols, trainIdx);
      const ys = new Float64Array(m * K);
      trainIdx.forEach((i, r) => {
        for (let c = 0; c < K; c++) ys[r * K + c] = y[i * K + c]!;
      });
      const trainX = gatherRows(x, trainIdx);
      const testX = gatherRows(x, testIdx);
      for (let li = 0; li < ctx.grid.length; li++) {
        const alpha = solveKernelSystem(k0.slice(), m, ys, K, ctx.grid[li]!);
        const out = new Float64Array(testIdx.length * K);
        exactPredict(kernel, trainX, m, alpha, K, testX, x.cols, 0, testIdx.length, out);
        testIdx.forEach((i, r) => {
          for (let c = 0; c < K; c++) errors[li] = errors[li]! + (out[r * K + c]! - y[i * K + c]!) ** 2;
        });
        report(ctx, 'validate', ++step, ctx.grid.length * ctx.folds);
        await yieldToLoop();
      }
    }
    ctx.grid.forEach((l, li) => {
      validation.push({ lambda: l, error: errors[li]! / n });
    });
    lambda = bestLambda(validation);
  } else lambda = lambdaSpec;
  const all = Array.from({ length: n }, (_, i) => i);
  const k = kernelMatrix(kernel, x.data, x.cols, all);
  report(ctx, 'features', n, n);
  await yieldToLoop();
  const alpha = solveKernelSystem(k, n, y, K, lambda);
  report(ctx, 'solve', 1, 1);
  return { alpha, lambda, validation };
}

function gatherRows(x: Matrix, idx: readonly number[]): Float64Array {
  const out = new Float64Array(idx.length * x.cols);
  idx.forEach((i, r) => {
    for (let k = 0; k < x.cols; k++) out[r * x.cols + k] = x.data[i * x.cols + k]!;
  });
  return out;
}

/** Raw outputs (rows × outputs, targets' mean added back): regression values or per-class scores. */
export function predictScores(model: Model, xInput: MatrixInput, chunkRows = 256): Float64Array {
  const x = toMatrix(xInput, model.dim);
  const K = model.outputs;
  const out = new Float64Array(x.rows * K);
  const map = model.map;
  if (map === null) {
    const trainRows = model.train!.length / model.dim;
    const kernel: KernelSpec = { kind: model.spec.features.kernel, bandwidth: model.spec.features.bandwidth };
    if (model.spec.features.nu !== undefined) kernel.nu = model.spec.features.nu;
    exactPredict(kernel, model.train!, trainRows, model.weights, K, x.data, x.cols, 0, x.rows, out);
  } else if (isDense(map)) {
    const z = new Float64Array(chunkRows * map.count);
    for (let r = 0; r < x.rows; r += chunkRows) {
      const e = Math.min(x.rows, r + chunkRows);
      rffTransform(map, x.data, r, e, z);
      for (let i = 0; i < e - r; i++)
        for (let k = 0; k < map.count; k++) {
          const zk = z[i * map.count + k]!;
          for (let c = 0; c < K; c++)
            out[(r + i) * K + c] = out[(r + i) * K + c]! + zk * model.weights[k * K + c]!;
        }
    }
  } else {
    const s = binningTransform(map, x.data, 0, x.rows);
    const d = new SparseDesign(s, map.count);
    for (let i = 0; i < x.rows; i++) d.predictRow(i, model.weights, K, out, i * K);
  }
  for (let i = 0; i < x.rows; i++)
    for (let c = 0; c < K; c++) out[i * K + c] = out[i * K + c]! + model.yMean[c]!;
  return out;
}

/** Predictions: numbers for regression, class labels (as given at training) for classification. */
export function predict(model: Model, xInput: MatrixInput): number[] | Label[] {
  const scores = predictScores(model, xInput);
  const K = model.outputs;
  const rows = scores.length / K;
  if (model.classes === null) return Array.from(scores);
  const labels: Label[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 1; c < K; c++) if (scores[i * K + c]! > scores[i * K + best]!) best = c;
    labels[i] = model.classes[best]!;
  }
  return labels;
}
