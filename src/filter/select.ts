/**
 * Qdrant's `with_payload`: `true` (whole payload), `false` (none), a list of key paths (same as
 * `{ include }`), `{ include: [...] }` or `{ exclude: [...] }`. Selection follows Qdrant's `value_filter`: the
 * payload tree is walked with the path of each node (`[]` for array elements); under `include` a node is kept
 * when its path and some pattern agree on their common prefix (so `a.b` keeps `a` but only `b` inside it, and
 * keeps a scalar at `a` whole); under `exclude` a node is dropped when some pattern is a prefix of its path.
 * Patterns with an index (`a[0]`) never meet the walk's `[]` steps, as in Qdrant.
 */
import { DitherError } from '../errors.js';
import { typeOf } from './ids.js';
import { isPlainObject, type JsonPath, type PathStep, parseJsonPath, WILDCARD } from './path.js';

export type WithPayload =
  | boolean
  | readonly string[]
  | { readonly include: readonly string[] }
  | {
      readonly exclude: readonly string[];
    };

/** Returns the selected copy of a payload, or undefined when `with_payload` is false. */
export type PayloadSelector = (
  payload: Record<string, unknown> | undefined,
) => Record<string, unknown> | undefined;

function fail(path: string, message: string): never {
  throw new DitherError('INVALID_ARGUMENT', `${path}: ${message}`, { details: { path } });
}

function parsePatterns(v: unknown, path: string): JsonPath[] {
  if (!Array.isArray(v)) fail(path, `expected an array of payload keys, got ${typeOf(v)}`);
  return v.map((k, i) => {
    const parsed = typeof k === 'string' ? parseJsonPath(k) : undefined;
    if (parsed === undefined) fail(`${path}[${i}]`, `invalid payload key ${JSON.stringify(k) ?? typeOf(k)}`);
    return parsed;
  });
}

/**
 * Validates a `with_payload` value (`path` names it in errors; DitherError INVALID_ARGUMENT) and returns a
 * selector to apply per returned point.
 */
export function compilePayloadSelector(withPayload: unknown, path = 'with_payload'): PayloadSelector {
  if (withPayload === true) return (p) => (p === undefined ? {} : structuredClone(p));
  if (withPayload === false) return () => undefined;
  let mode: 'include' | 'exclude' = 'include';
  let patterns: JsonPath[];
  if (Array.isArray(withPayload)) {
    patterns = parsePatterns(withPayload, path);
  } else if (isPlainObject(withPayload)) {
    const keys = Object.keys(withPayload);
    const key = keys[0];
    if (keys.length !== 1 || (key !== 'include' && key !== 'exclude')) {
      fail(path, 'expected exactly one of "include" or "exclude"');
    }
    mode = key;
    patterns = parsePatterns(withPayload[key], `${path}.${key}`);
  } else {
    return fail(
      path,
      `expected a boolean, an array of keys, { include } or { exclude }, got ${typeOf(withPayload)}`,
    );
  }
  const keep =
    mode === 'include'
      ? (walk: WalkPath) => patterns.some((p) => compatible(p, walk))
      : (walk: WalkPath) => !patterns.some((p) => isPrefix(p, walk));
  return (payload) =>
    payload === undefined ? {} : filterObject(payload, { first: '', rest: [] }, keep, true);
}

/** Applies `with_payload` to one payload (validating it each call; compile once for many points). */
export function selectPayload(
  payload: Record<string, unknown> | undefined,
  withPayload: WithPayload,
): Record<string, unknown> | undefined {
  return compilePayloadSelector(withPayload)(payload);
}

interface WalkPath {
  first: string;
  rest: PathStep[];
}

function compatible(pattern: JsonPath, walk: WalkPath): boolean {
  if (pattern.first !== walk.first) return false;
  const n = Math.min(pattern.rest.length, walk.rest.length);
  for (let i = 0; i < n; i++) if (pattern.rest[i] !== walk.rest[i]) return false;
  return true;
}

function isPrefix(pattern: JsonPath, walk: WalkPath): boolean {
  if (pattern.first !== walk.first || pattern.rest.length > walk.rest.length) return false;
  for (let i = 0; i < pattern.rest.length; i++) if (pattern.rest[i] !== walk.rest[i]) return false;
  return true;
}

function filterObject(
  obj: Record<string, unknown>,
  walk: WalkPath,
  keep: (walk: WalkPath) => boolean,
  top: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (value === undefined) continue;
    if (top) walk.first = key;
    else walk.rest.push(key);
    if (keep(walk)) out[key] = filterValue(value, walk, keep);
    if (top) walk.first = '';
    else walk.rest.pop();
  }
  return out;
}

function filterValue(value: unknown, walk: WalkPath, keep: (walk: WalkPath) => boolean): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    walk.rest.push(WILDCARD);
    for (const el of value) if (keep(walk)) out.push(filterValue(el, walk, keep));
    walk.rest.pop();
    return out;
  }
  if (isPlainObject(value)) return filterObject(value, walk, keep, false);
  return value;
}
