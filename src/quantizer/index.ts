export { DITHERED_ALPHA, GRID, type Lattice, type QuantizerKind, TURBO_SCALE } from './lattice.js';
export { bytesPerPlane, packedBytes, packLevels, unpackLevels } from './packing.js';
export { PreparedQuery } from './prepared.js';
export {
  type Code,
  createQuantizer,
  type EncodeOptions,
  Quantizer,
  type QuantizerOptions,
} from './quantizer.js';
export { checkVector, type VectorLike } from './vectors.js';
