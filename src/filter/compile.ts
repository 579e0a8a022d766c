/**
 * compileFilter turns a parsed filter into one closure per condition, built once, so that a scan evaluates a
 * point with no parsing, no key splitting and no allocation (path walks go through visitPath with callbacks
 * made at compile time). The semantics follow Qdrant's segment checker (lib/segment/src/payload_storage):
 *
 * - must: all hold; should: at least one holds (an empty `should` list therefore matches nothing);
 *   must_not: none holds; min_should: at least min_count of its conditions hold (min_count 0 always holds).
 * - A field condition looks at every value the key resolves to and holds if one of them passes; an array value
 *   passes match/range/geo if one of its elements does (arrays inside arrays are not flattened).
 * - A missing key (or a path that resolves to nothing) fails match, range and geo — `except` included —,
 *   passes `is_empty: true` and `is_null: false`, and counts as 0 values for values_count.
 * - match.except holds for a value of another type than the list (a boolean, an object, a float against an
 *   integer list) but never for null.
 * - is_empty (condition): every value is null or []; a missing key is empty. is_null: some value is null or
 *   an array holding null; a missing key is not null.
 * - has_id compares against normalised ids (see ids.ts); inside `nested` it never holds, as in Qdrant.
 * - nested: some object element of the array at `key` satisfies the whole inner filter on its own, unlike
 *   flattened `a[].b` keys whose conditions may be met by different elements.
 */
import * as datetime from './datetime.js';
import * as geo from './geo.js';
import type { PointId } from './ids.js';
import * as paths from './path.js';
import type { Bounds, Condition, FieldCondition, Filter, Match, RangeCondition } from './types.js';

// Hot helpers are bound to module constants once. Loaders that run TypeScript directly (tsx, vite-node under
// vitest) may compile every use of an imported binding into a getter call on the exporting module, which on
// a per-point path costs more than the helper itself; a local const is a plain read either way.
const { arrayPath, getByKeys, isPlainObject, plainKeys, visitPath } = paths;
const MATCHED: number = paths.MATCHED;
const NO_VALUE: number = paths.NO_VALUE;
const { inBoundingBox, inPolygon, inRadius, readGeoPoint } = geo;
const { parseDatetimeMicros } = datetime;

/** Payloads are JSON objects; an absent payload is read as `{}`. Ids must be normalised (normalizePointId). */
export type PointPredicate = (id: PointId, payload: Record<string, unknown> | undefined) => boolean;

export interface CompileOptions {
  /**
   * Names of the vectors every point of the collection carries, for `has_vector`; default `[""]` (the one
   * unnamed vector of a ditherdb collection).
   */
  readonly vectorNames?: Iterable<string>;
}

type Pred = (id: PointId, payload: Record<string, unknown>) => boolean;
type ValueTest = (value: unknown) => boolean;

interface Context {
  readonly vectorNames: ReadonlySet<string>;
  /** Inside `nested`: has_id and has_vector never hold (Qdrant evaluates them without an id tracker). */
  readonly nested: boolean;
}

const EMPTY_PAYLOAD: Record<string, unknown> = Object.freeze({});
const ALWAYS: Pred = () => true;
const NEVER: Pred = () => false;

/** Compiles a filter from parseFilter into a predicate over (normalised id, payload). */
export function compileFilter(filter: Filter, options: CompileOptions = {}): PointPredicate {
  const ctx: Context = { vectorNames: new Set(options.vectorNames ?? ['']), nested: false };
  const pred = compileFilterNode(filter, ctx);
  return (id, payload) => pred(id, payload ?? EMPTY_PAYLOAD);
}

/** One-off evaluation; scans should compile once with compileFilter instead. */
export function matchesFilter(
  filter: Filter,
  id: PointId,
  payload: Record<string, unknown> | undefined,
  options: CompileOptions = {},
): boolean {
  return compileFilter(filter, options)(id, payload);
}

function compileFilterNode(filter: Filter, ctx: Context): Pred {
  const parts: Pred[] = [];
  if (filter.should !== undefined) parts.push(anyOf(filter.should.map((c) => compileCondition(c, ctx))));
  if (filter.min_should !== undefined) {
    const { conditions, min_count } = filter.min_should;
    parts.push(
      atLeast(
        min_count,
        conditions.map((c) => compileCondition(c, ctx)),
      ),
    );
  }
  if (filter.must !== undefined) parts.push(allOf(filter.must.map((c) => compileCondition(c, ctx))));
  if (filter.must_not !== undefined) parts.push(noneOf(filter.must_not.map((c) => compileCondition(c, ctx))));
  return allOf(parts);
}

function allOf(preds: Pred[]): Pred {
  if (preds.length === 0) return ALWAYS;
  if (preds.length === 1) return preds[0] as Pred;
  if (preds.length === 2) {
    const [a, b] = preds as [Pred, Pred];
    return (id, p) => a(id, p) && b(id, p);
  }
  return (id, p) => {
    for (let i = 0; i < preds.length; i++) if (!(preds[i] as Pred)(id, p)) return false;
    return true;
  };
}

function anyOf(preds: Pred[]): Pred {
  if (preds.length === 0) return NEVER;
  if (preds.length === 1) return preds[0] as Pred;
  return (id, p) => {
    for (let i = 0; i < preds.length; i++) if ((preds[i] as Pred)(id, p)) return true;
    return false;
  };
}

function noneOf(preds: Pred[]): Pred {
  if (preds.length === 0) return ALWAYS;
  const any = anyOf(preds);
  return (id, p) => !any(id, p);
}

function atLeast(minCount: number, preds: Pred[]): Pred {
  if (minCount === 0) return ALWAYS;
  if (minCount > preds.length) return NEVER;
  return (id, p) => {
    let hits = 0;
    for (let i = 0; i < preds.length; i++) {
      if ((preds[i] as Pred)(id, p) && ++hits === minCount) return true;
      // Stop once the remaining conditions could not reach min_count any more.
      if (hits + (preds.length - 1 - i) < minCount) return false;
    }
    return false;
  };
}

function compileCondition(c: Condition, ctx: Context): Pred {
  switch (c.type) {
    case 'filter':
      return compileFilterNode(c.filter, ctx);
    case 'field':
      return compileField(c);
    case 'is_empty': {
      const path = c.key;
      return (_id, p) => visitPath(path, p, isNonEmpty) !== MATCHED;
    }
    case 'is_null': {
      const path = c.key;
      return (_id, p) => visitPath(path, p, isNullish) === MATCHED;
    }
    case 'has_id': {
      if (ctx.nested || c.ids.length === 0) return NEVER;
      const ids = new Set<PointId>(c.ids);
      return (id) => ids.has(id);
    }
    case 'has_vector':
      return !ctx.nested && ctx.vectorNames.has(c.vector) ? ALWAYS : NEVER;
    case 'nested': {
      const path = arrayPath(c.key);
      const inner = compileFilterNode(c.filter, { ...ctx, nested: true });
      const test: ValueTest = (v) => isPlainObject(v) && inner(0, v);
      return (_id, p) => visitPath(path, p, test) === MATCHED;
    }
  }
}

/** Value is neither null nor an empty array (the negation of Qdrant's per-value "empty"). */
function isNonEmpty(v: unknown): boolean {
  return !(v === null || (Array.isArray(v) && v.length === 0));
}

/** Qdrant's per-value "null": null itself, or an array that holds a null. */
function isNullish(v: unknown): boolean {
  if (v === null) return true;
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (v[i] === null) return true;
  return false;
}

function countOf(v: unknown): number {
  if (v === null) return 0;
  return Array.isArray(v) ? v.length : 1;
}

function boundsTest(b: Bounds): (x: number) => boolean {
  const { gt, gte, lt, lte } = b;
  return (x) =>
    (gt === undefined || x > gt) &&
    (gte === undefined || x >= gte) &&
    (lt === undefined || x < lt) &&
    (lte === undefined || x <= lte);
}

function compileField(c: FieldCondition): Pred {
  const path = c.key;
  let test: ValueTest;
  let whenMissing: boolean;
  // Precedence as in Qdrant's FieldCondition::check: values_count, then is_empty, then is_null, then the rest.
  if (c.values_count !== undefined) {
    const within = boundsTest(c.values_count);
    test = (v) => within(countOf(v));
    whenMissing = within(0);
  } else if (c.is_empty !== undefined) {
    const want = c.is_empty;
    test = (v) => isNonEmpty(v) !== want;
    whenMissing = want;
  } else if (c.is_null !== undefined) {
    const want = c.is_null;
    test = (v) => isNullish(v) === want;
    whenMissing = !want;
  } else {
    const element = compileElementTest(c);
    test = (v) => {
      if (!Array.isArray(v)) return element(v);
      for (let i = 0; i < v.length; i++) if (element(v[i])) return true;
      return false;
    };
    whenMissing = false;
  }
  const keys = plainKeys(path);
  if (keys === undefined) {
    return (_id, p) => {
      const r = visitPath(path, p, test);
      return r === NO_VALUE ? whenMissing : r === MATCHED;
    };
  }
  return compileSingleValueField(c, keys, test, whenMissing);
}

/**
 * Fields on plain key paths resolve to at most one value. The commonest conditions get a closure of their own
 * so that each hot call site sees one function (V8 inlines monomorphic calls; a shared `test(v)` site fed by
 * every condition kind is megamorphic). The semantics are those of the generic path above.
 */
function compileSingleValueField(
  c: FieldCondition,
  keys: readonly string[],
  test: ValueTest,
  whenMissing: boolean,
): Pred {
  const only =
    c.values_count === undefined &&
    c.is_empty === undefined &&
    c.is_null === undefined &&
    c.geo_bounding_box === undefined &&
    c.geo_radius === undefined &&
    c.geo_polygon === undefined;
  const m = c.match;
  const r = c.range;
  if (only && m !== undefined && r === undefined) {
    if (m.type === 'value') {
      const want = m.value;
      return (_id, p) => {
        const v = getByKeys(keys, p);
        if (v === want) return true;
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (v[i] === want) return true;
        return false;
      };
    }
    if (m.type === 'any' && isStringList(m.values)) {
      const set = new Set<string>(m.values);
      return (_id, p) => {
        const v = getByKeys(keys, p);
        if (typeof v === 'string') return set.has(v);
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) {
          const e = v[i];
          if (typeof e === 'string' && set.has(e)) return true;
        }
        return false;
      };
    }
  }
  if (only && r !== undefined && r.type === 'number' && m === undefined) {
    const within = boundsTest(r);
    return (_id, p) => {
      const v = getByKeys(keys, p);
      if (typeof v === 'number') return within(v);
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) {
        const e = v[i];
        if (typeof e === 'number' && within(e)) return true;
      }
      return false;
    };
  }
  return (_id, p) => {
    const v = getByKeys(keys, p);
    return v === undefined ? whenMissing : test(v);
  };
}

/** match OR range OR geo on one (non-array-expanded) value, like Qdrant's FieldCondition::check_match. */
function compileElementTest(c: FieldCondition): ValueTest {
  const tests: ValueTest[] = [];
  if (c.match !== undefined) tests.push(compileMatch(c.match));
  if (c.range !== undefined) tests.push(compileRange(c.range));
  const pt = { lon: 0, lat: 0 };
  const box = c.geo_bounding_box;
  if (box !== undefined) tests.push((v) => readGeoPoint(v, pt) && inBoundingBox(box, pt.lon, pt.lat));
  const radius = c.geo_radius;
  if (radius !== undefined) tests.push((v) => readGeoPoint(v, pt) && inRadius(radius, pt.lon, pt.lat));
  const polygon = c.geo_polygon;
  if (polygon !== undefined) tests.push((v) => readGeoPoint(v, pt) && inPolygon(polygon, pt.lon, pt.lat));
  if (tests.length === 1) return tests[0] as ValueTest;
  return (v) => {
    for (let i = 0; i < tests.length; i++) if ((tests[i] as ValueTest)(v)) return true;
    return false;
  };
}

function compileMatch(m: Match): ValueTest {
  switch (m.type) {
    case 'value': {
      const want = m.value;
      return (v) => v === want;
    }
    case 'any': {
      const set = new Set<unknown>(m.values);
      if (isStringList(m.values)) return (v) => typeof v === 'string' && set.has(v);
      return (v) => typeof v === 'number' && Number.isInteger(v) && set.has(v);
    }
    case 'except': {
      const set = new Set<unknown>(m.values);
      if (isStringList(m.values)) return (v) => v !== null && !(typeof v === 'string' && set.has(v));
      return (v) => v !== null && !(typeof v === 'number' && set.has(v));
    }
    case 'text':
    case 'phrase': {
      // Without a full-text index Qdrant falls back to substring search; ditherdb has no text index.
      const needle = m.text;
      return (v) => typeof v === 'string' && v.includes(needle);
    }
    case 'text_any': {
      const tokens = m.text.split(/\s+/).filter((t) => t.length > 0);
      return (v) => {
        if (typeof v !== 'string') return false;
        for (let i = 0; i < tokens.length; i++) if (v.includes(tokens[i] as string)) return true;
        return false;
      };
    }
  }
}

/** Qdrant parses an empty list as a string list. */
function isStringList(values: readonly string[] | readonly number[]): values is readonly string[] {
  return values.length === 0 || typeof values[0] === 'string';
}

function compileRange(r: RangeCondition): ValueTest {
  const within = boundsTest(r);
  if (r.type === 'number') return (v) => typeof v === 'number' && within(v);
  return (v) => {
    if (typeof v !== 'string') return false;
    const t = parseDatetimeMicros(v);
    return t !== undefined && within(t);
  };
}
