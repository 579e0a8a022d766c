// The benchmark data layer in one import for drivers: loaders, ground truth, recall.
export { createDataset, type Dataset, type LoadOptions, METRICS, type Metric } from './dataset.js';
export {
  computeGroundTruth,
  exactDistance,
  type GroundTruth,
  type GroundTruthOptions,
} from './groundtruth.js';
export {
  type CachedGroundTruth,
  type CachedGroundTruthOptions,
  cachedGroundTruth,
  datasetGroundTruth,
  groundTruthCacheDir,
  groundTruthKey,
} from './groundtruth-cache.js';
export { computeGroundTruthParallel, type ParallelGroundTruthOptions } from './groundtruth-parallel.js';
export { loadHdf5, metricFromAnnBenchmarks } from './hdf5.js';
export { FASHION_MNIST_DIR, loadFashionMnist, readIdx } from './idx.js';
export { readJsonl } from './jsonl.js';
export { datasetDir, FASHION_MNIST_NAMES, loadDataset } from './load.js';
export { type NpyArray, type NpyDtype, parseNpyHeader, readNpy, readNpyIds, readNpyMatrix } from './npy.js';
export { annBenchmarksRecall, recallAtK, recallPerQuery, trueDistances } from './recall.js';
export { defaultTestCount, holdOutSplit } from './split.js';
export { readBvecs, readFvecs, readIvecs, readVecs, type VecsKind, type VecsMatrix } from './vecs.js';
