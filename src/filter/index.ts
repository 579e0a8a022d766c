/**
 * Qdrant's filter language (REST v1.18) as a pure module: parse and validate, compile to a per-point
 * predicate, point ids, and `with_payload` selection. Used by the embedded database at scan time and by the
 * Qdrant-compatible server.
 */
export { type CompileOptions, compileFilter, matchesFilter, type PointPredicate } from './compile.js';
export { parseDatetimeMicros } from './datetime.js';
export { comparePointIds, isValidPointId, normalizePointId, type PointId } from './ids.js';
export { MAX_FILTER_DEPTH, parseFilter } from './parse.js';
export { type JsonPath, type PathStep, parseJsonPath, resolvePath, WILDCARD } from './path.js';
export { compilePayloadSelector, type PayloadSelector, selectPayload, type WithPayload } from './select.js';
export type * from './types.js';
