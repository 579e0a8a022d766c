// The package root: everything a user of ditherdb imports.

export { Collection } from './index/collection.js';
export { Database, type DatabaseOptions } from './index/database.js';
export {
  buildCollectionGraph,
  type CollectionGraph,
  collectionFingerprint,
  dropCollectionGraph,
  loadCollectionGraph,
} from './index/graph/collection-graph.js';
export { localClusterParallel, runStitchedWalksParallel, WalkWorkerPool } from './index/graph/walk-pool.js';
export {
  attentionOf,
  kernelDensityOf,
  kernelMatVecOf,
  kernelStateInfo,
  MAX_KERNEL_QUERIES,
} from './index/kernels/index.js';
export {
  deleteModel,
  getModel,
  listModels,
  type ModelInfo,
  modelSettled,
  predictWith,
  startTraining,
} from './index/models/index.js';
export type * from './index/types.js';
export { DitherError, ERROR_CATALOGUE, type ErrorCode, isDitherError } from './src/errors.js';
export {
  comparePointIds,
  compileFilter,
  compilePayloadSelector,
  type Filter,
  isValidPointId,
  matchesFilter,
  normalizePointId,
  parseFilter,
  selectPayload,
  type WithPayload,
} from './src/filter/index.js';
export * from './src/graph/index.js';
export {
  attention,
  BalanceKVCoreset,
  KERNEL_TYPES,
  type KernelSpec,
  kernelDensity,
  kernelEvaluator,
  kernelMatVec,
  type PointSet,
  softmaxBalanceHalve,
  validateKernel,
} from './src/kernels/index.js';
export {
  type Label,
  type Model,
  predict,
  predictScores,
  type TrainOptions,
  trainModel,
} from './src/krr/model.js';
export { deserializeModel, type SerializedModel, serializeModel } from './src/krr/serialize.js';
export { type FeatureSpec, type ModelSpec, validateModelSpec } from './src/krr/spec.js';
export {
  type Code,
  createQuantizer,
  type EncodeOptions,
  PreparedQuery,
  Quantizer,
  type QuantizerKind,
  type QuantizerOptions,
} from './src/quantizer/index.js';
export { Rng } from './src/rng.js';
export { createRotation, type Rotation, type RotationKind } from './src/rotation.js';
export {
  impliedSampleCount,
  type ReconstructInput,
  type Reconstruction,
  reconstructSignal,
  type SamplePlan,
  type SpectralPrior,
  statisticalDimension,
  universalSamplingTimes,
} from './src/signal/index.js';
export { setWasmKernelsEnabled, wasmKernels } from './src/wasm/kernels.js';
