/**
 * Point ids, as Qdrant defines them: an unsigned integer or a UUID. Qdrant allows u64; ditherdb keeps ids as
 * JavaScript numbers, so integers stop below 2^53 where every integer is still exact (Number.isSafeInteger).
 * UUIDs are accepted in the forms Rust's `uuid` crate parses (simple 32-hex, hyphenated 8-4-4-4-12,
 * `urn:uuid:` + hyphenated, and `{hyphenated}` braced), in either case, and normalised to lowercase hyphenated,
 * which is also the form Qdrant prints back. Everything else — negative or fractional numbers, numeric strings,
 * bigint, other strings — is rejected with INVALID_ID rather than coerced, so two spellings of one id can never
 * become two points.
 */
import { DitherError } from '../errors.js';

/** A normalised point id: a safe unsigned integer, or a lowercase hyphenated UUID string. */
export type PointId = number | string;

const HEX_CHARS = '0123456789abcdef';

/** Lowercase hyphenated form of a UUID, or undefined if `s` is no UUID in any accepted form. */
function canonicalUuid(s: string): string | undefined {
  let body: string;
  if (s.length === 32) body = s;
  else if (s.length === 36) body = s;
  else if (s.length === 38 && s.charCodeAt(0) === 0x7b && s.charCodeAt(37) === 0x7d) body = s.slice(1, 37);
  else if (s.length === 45 && s.startsWith('urn:uuid:')) body = s.slice(9);
  else return undefined;

  const hyphenated = body.length === 36;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (hyphenated && (i === 8 || i === 13 || i === 18 || i === 23)) {
      if (c !== 0x2d) return undefined;
      out += '-';
      continue;
    }
    let v: number;
    if (c >= 0x30 && c <= 0x39) v = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) v = c - 0x61 + 10;
    else if (c >= 0x41 && c <= 0x46) v = c - 0x41 + 10;
    else return undefined;
    out += HEX_CHARS[v];
    if (!hyphenated && (i === 7 || i === 11 || i === 15 || i === 19)) out += '-';
  }
  return out;
}

/** True for any id Qdrant's REST API accepts (in any of the UUID spellings); see {@link normalizePointId}. */
export function isValidPointId(id: unknown): id is PointId {
  if (typeof id === 'number') return Number.isSafeInteger(id) && id >= 0;
  if (typeof id === 'string') return canonicalUuid(id) !== undefined;
  return false;
}

/**
 * Validates `id` and returns its normal form: the number itself, or the UUID in lowercase hyphenated form.
 * Throws DitherError INVALID_ID (naming `path`) for anything else.
 */
export function normalizePointId(id: unknown, path = 'id'): PointId {
  if (typeof id === 'number') {
    if (Number.isSafeInteger(id) && id >= 0) return id === 0 ? 0 : id; // folds -0 into 0
    throw new DitherError(
      'INVALID_ID',
      `${path}: ${String(id)} is not an unsigned integer below 2^53 (ids are unsigned integers or UUIDs)`,
    );
  }
  if (typeof id === 'string') {
    const uuid = canonicalUuid(id);
    if (uuid !== undefined) return uuid;
    throw new DitherError(
      'INVALID_ID',
      `${path}: ${JSON.stringify(id)} is not a UUID (ids are unsigned integers or UUIDs)`,
    );
  }
  throw new DitherError(
    'INVALID_ID',
    `${path}: expected an unsigned integer or a UUID string, got ${typeOf(id)}`,
  );
}

/**
 * Total order on normalised ids, the one Qdrant uses for scroll offsets: every integer id sorts before every
 * UUID; integers by value; UUIDs by their 128-bit value, which for lowercase hyphenated strings is plain
 * string order.
 */
export function comparePointIds(a: PointId, b: PointId): number {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
    return -1;
  }
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON-ish type name for error messages. */
export function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
