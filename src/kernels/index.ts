/** Kernel module: kernel density, softmax attention, kernel matrix–vector products, BalanceKV coresets. */
export { type AttentionMethod, type AttentionOptions, type AttentionResult, attention } from './attention.js';
export { type BalanceOptions, DEFAULT_C_FACTOR, softmaxBalanceHalve } from './balance.js';
export {
  BalanceKVCoreset,
  type CoresetOptions,
  type FetchPoints,
  type PointBatch,
  type PointKey,
} from './coreset.js';
export { type DensityMethod, type DensityOptions, type DensityResult, kernelDensity } from './density.js';
export {
  isDistanceKernel,
  KERNEL_TYPES,
  type KernelSpec,
  type KernelType,
  kernelEvaluator,
  validateKernel,
} from './kernel.js';
export { kernelMatVec, type MatVecOptions, type MatVecResult } from './matvec.js';
export type { WeightedSummary } from './summary.js';
export { summaryAttention, summaryDensity } from './summary-query.js';
export type { Estimate, NearestFn, PointSet, RandomSource, Vector } from './types.js';
