// The signal reconstruction module: universal sampling plans and Fourier-constrained reconstruction
// (Avron, Kapralov, Musco, Musco, Velingker, Zandieh, STOC 2019). Re-exported from the package root.
export {
  type NormalizedPrior,
  normalizePrior,
  priorDensity,
  priorKernel,
  type SpectralPrior,
} from './priors.js';
export {
  MAX_RECONSTRUCT_SAMPLES,
  type ReconstructInput,
  type Reconstruction,
  reconstructSignal,
} from './reconstruct.js';
export {
  cauchyStatisticalDimension,
  type StatisticalDimensionInput,
  statisticalDimension,
} from './statistical-dimension.js';
export {
  impliedSampleCount,
  MAX_PLAN_SAMPLES,
  type SamplePlan,
  type UniversalSamplingInput,
  universalCdf,
  universalDensity,
  universalSamplingTimes,
} from './universal-sampling.js';
