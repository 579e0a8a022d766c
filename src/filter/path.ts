/**
 * Payload key paths as Qdrant (v1.8+, "JSON path v2") reads them: `a.b.c`, `a[]` (every element of the array
 * at `a`), `a[3]` (one element), `a[].b`, and `"quoted key"` segments for keys that hold anything but letters,
 * digits, `_` and `-`. Resolution follows Qdrant's `value_get`: a key step only looks into an object and an
 * index or `[]` step only into an array; anything else yields nothing. In particular `a.b` does NOT look
 * through an array at `a` — that needs `a[].b` — and arrays met at the end of a path are handed to the caller
 * whole (conditions then match "any element", see compile.ts).
 */

/** One step after the first key: an object key, an array index (>= 0), or {@link WILDCARD} for `[]`. */
export type PathStep = string | number;

/** The `[]` step. */
export const WILDCARD = -1;

export interface JsonPath {
  /** The path as written. */
  readonly text: string;
  /** Key looked up in the payload object itself. */
  readonly first: string;
  readonly rest: readonly PathStep[];
}

/** Unquoted keys: Rust's `char::is_alphanumeric` (Unicode letters and numbers), `_` or `-`. */
const RAW_CHAR = /[\p{Alphabetic}\p{N}_-]/u;

function readRaw(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const cp = text.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    if (!RAW_CHAR.test(ch)) break;
    i += ch.length;
  }
  return i;
}

/** Reads `"..."` at `start` (no escapes; `\` and `"` cannot appear inside); returns [key, end] or undefined. */
function readQuoted(text: string, start: number): [string, number] | undefined {
  if (text.charCodeAt(start) !== 0x22) return undefined;
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return [text.slice(start + 1, i), i + 1];
    if (c === 0x5c) return undefined;
    i++;
  }
  return undefined;
}

function readKey(text: string, start: number): [string, number] | undefined {
  if (text.charCodeAt(start) === 0x22) return readQuoted(text, start);
  const end = readRaw(text, start);
  return end > start ? [text.slice(start, end), end] : undefined;
}

/** Parses a key path; returns undefined when `text` is not a valid path (the caller names the error). */
export function parseJsonPath(text: string): JsonPath | undefined {
  const head = readKey(text, 0);
  if (head === undefined) return undefined;
  const [first] = head;
  let i = head[1];
  const rest: PathStep[] = [];
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      const key = readKey(text, i + 1);
      if (key === undefined) return undefined;
      rest.push(key[0]);
      i = key[1];
    } else if (c === 0x5b) {
      if (text.charCodeAt(i + 1) === 0x5d) {
        rest.push(WILDCARD);
        i += 2;
        continue;
      }
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
      if (j === i + 1 || text.charCodeAt(j) !== 0x5d) return undefined;
      const index = Number(text.slice(i + 1, j));
      if (!Number.isSafeInteger(index)) return undefined;
      rest.push(index);
      i = j + 1;
    } else {
      return undefined;
    }
  }
  return { text, first, rest };
}

/** The path with a trailing `[]` added unless it already ends in one (Qdrant's `array_key`, used by nested). */
export function arrayPath(path: JsonPath): JsonPath {
  if (path.rest[path.rest.length - 1] === WILDCARD) return path;
  return { text: `${path.text}[]`, first: path.first, rest: [...path.rest, WILDCARD] };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** {@link visitPath} results. */
export const NO_VALUE = 0;
export const NO_MATCH = 1;
export const MATCHED = 2;
export type VisitResult = typeof NO_VALUE | typeof NO_MATCH | typeof MATCHED;

/**
 * Calls `test` on each value the path resolves to, stopping at the first true. Returns NO_VALUE when the path
 * resolves to nothing (missing key, type mismatch on the way), NO_MATCH when values exist but none passed,
 * MATCHED otherwise. Allocates nothing: scan-time predicates call it once per point and condition.
 */
export function visitPath(
  path: JsonPath,
  root: Record<string, unknown>,
  test: (value: unknown) => boolean,
): VisitResult {
  if (!Object.hasOwn(root, path.first)) return NO_VALUE;
  const value = root[path.first];
  if (value === undefined) return NO_VALUE;
  return visitFrom(path.rest, 0, value, test);
}

function visitFrom(
  rest: readonly PathStep[],
  i: number,
  value: unknown,
  test: (value: unknown) => boolean,
): VisitResult {
  if (i === rest.length) return test(value) ? MATCHED : NO_MATCH;
  const step = rest[i] as PathStep;
  if (typeof step === 'string') {
    if (!isPlainObject(value) || !Object.hasOwn(value, step)) return NO_VALUE;
    const next = value[step];
    return next === undefined ? NO_VALUE : visitFrom(rest, i + 1, next, test);
  }
  if (!Array.isArray(value)) return NO_VALUE;
  if (step === WILDCARD) {
    let result: VisitResult = NO_VALUE;
    for (let k = 0; k < value.length; k++) {
      const r = visitFrom(rest, i + 1, value[k], test);
      if (r === MATCHED) return MATCHED;
      if (r === NO_MATCH) result = NO_MATCH;
    }
    return result;
  }
  if (step >= value.length) return NO_VALUE;
  const next = value[step];
  return next === undefined ? NO_VALUE : visitFrom(rest, i + 1, next, test);
}

/**
 * The keys of a path made only of object-key steps (no `[]`, no `[N]`, no `__proto__`), else undefined. Such a
 * path resolves to at most one value, which {@link getByKeys} reads without a callback — the fast path for the
 * common `city` / `meta.year` keys.
 */
export function plainKeys(path: JsonPath): readonly string[] | undefined {
  const keys = [path.first];
  for (const step of path.rest) {
    if (typeof step !== 'string') return undefined;
    keys.push(step);
  }
  return keys.includes('__proto__') ? undefined : keys;
}

/** The value at `keys` (from {@link plainKeys}), or undefined when the path resolves to nothing. */
export function getByKeys(keys: readonly string[], root: Record<string, unknown>): unknown {
  let v: unknown = root;
  for (let i = 0; i < keys.length; i++) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[keys[i] as string];
    // Every inherited Object.prototype member but __proto__ (excluded by plainKeys) is a function, and JSON
    // payloads hold none, so a function here is not an own key; this avoids an Object.hasOwn per step.
    if (v === undefined || typeof v === 'function') return undefined;
  }
  return v;
}

/** Every value the path resolves to, in document order (for tests and non-hot callers). */
export function resolvePath(path: JsonPath, root: Record<string, unknown>): unknown[] {
  const out: unknown[] = [];
  visitPath(path, root, (v) => {
    out.push(v);
    return false;
  });
  return out;
}
