// The package root: everything a user of ditherdb imports.
export { DitherError, ERROR_CATALOGUE, type ErrorCode, isDitherError } from './src/errors.js';
export { Rng } from './src/rng.js';
