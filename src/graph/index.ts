// Graph analytics: the public surface of src/graph (re-exported from the package root).
export { type CsrGraph, csrFromGraph, type GraphInput, inducedSubgraph } from './csr.js';
export { type AnyGraph, conductanceOf, type PartitionQuality, partitionQuality, setQuality } from './cut.js';
export { jacobiEigen } from './jacobi.js';
export {
  type EdgeWeighting,
  type KnnGraph,
  type KnnGraphOptions,
  knnGraphFromNeighbors,
  type NeighborLists,
  type Symmetrization,
} from './knn.js';
export { type EigenOptions, type EigenResult, smallestEigenpairs } from './lanczos.js';
export {
  LAPLACIAN_KINDS,
  type LaplacianKind,
  laplacianOperator,
  type SymmetricOperator,
} from './laplacian.js';
export {
  type LocalCluster,
  type LocalClusterOptions,
  localCluster,
  localClusterFromWalks,
  pprFromPaths,
  pprSweep,
  resolveLocalOptions,
} from './local.js';
export { agreement, type SbmAdversary, type SbmGraph, type SbmOptions, stochasticBlockModel } from './sbm.js';
export {
  type Bisection,
  type CutRule,
  fiedlerEmbedding,
  type SpectralOptions,
  spectralBisection,
  spectralPartition,
} from './spectral.js';
export {
  runStitchedWalks,
  type StitchOptions,
  type StitchResult,
  type StitchStats,
  stitchWalks,
  type WalkRequest,
} from './stitch.js';
export { randomStep, sequentialWalkPaths, WALK_BLOCK, walkSegments } from './walks.js';
