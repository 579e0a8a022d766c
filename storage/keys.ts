import type { PointId } from '../src/filter/index.js';

/**
 * LevelDB key schema. Manifests live apart (`m\0<name>`) so opening a database reads only them; every other key of
 * a collection starts with `c\0<name>\0`, so dropping a collection is one range delete and no name can be a
 * prefix of another's keys:
 *   m\0<name>                    manifest (msgpack)
 *   c\0<name>\0g                 centroids of the current IVF generation (Float32Array bytes)
 *   c\0<name>\0p\0<idkey>        point: payload, code, scale, dither, norm, list
 *   c\0<name>\0v\0<idkey>        original vector (float32 or float16 bytes), read only to rerank and retrain
 *   c\0<name>\0x\0<…>            extensions (models, graphs, coresets) owned by other modules
 * idkey sorts as Qdrant orders ids: unsigned integers ascending (`n` + 14 hex digits), then UUIDs (`u` + uuid).
 */
const SEP = '\u0000';
export const MANIFEST_PREFIX = `m${SEP}`;

export function collectionPrefix(name: string): string {
  return `c${SEP}${name}${SEP}`;
}

export function manifestKey(name: string): string {
  return `${MANIFEST_PREFIX}${name}`;
}

export function centroidsKey(name: string): string {
  return `${collectionPrefix(name)}g`;
}

export function pointPrefix(name: string): string {
  return `${collectionPrefix(name)}p${SEP}`;
}

export function vectorPrefix(name: string): string {
  return `${collectionPrefix(name)}v${SEP}`;
}

export function extensionPrefix(name: string, module: string): string {
  return `${collectionPrefix(name)}x${SEP}${module}${SEP}`;
}

export function idKey(id: PointId): string {
  return typeof id === 'number' ? `n${id.toString(16).padStart(14, '0')}` : `u${id}`;
}

export function idFromKey(key: string): PointId {
  return key[0] === 'n' ? Number.parseInt(key.slice(1), 16) : key.slice(1);
}

/** Upper bound for range scans over a prefix: no key of ours contains \uffff. */
export function prefixEnd(prefix: string): string {
  return `${prefix}\uffff`;
}
