/**
 * parseFilter: validates a Qdrant REST filter (v1.18 schema: Filter, Condition, FieldCondition, Match, Range /
 * DatetimeRange, ValuesCount, Geo*, IsEmpty/IsNull, HasId, HasVector, Nested, MinShould) and returns the
 * normalised form in types.ts. Every object is closed: a key the schema does not know is an error naming its
 * full path (`filter.must[1].match.valeu`), never silently dropped, because a dropped condition widens the
 * result set without anyone noticing. `null` is accepted wherever Qdrant's schema has an optional field.
 * Errors are DitherError INVALID_FILTER with `details.path`.
 */
import { DitherError } from '../errors.js';
import { parseDatetimeMicros } from './datetime.js';
import { isValidPointId, normalizePointId, type PointId, typeOf } from './ids.js';
import { type JsonPath, parseJsonPath } from './path.js';
import type {
  Bounds,
  Condition,
  FieldCondition,
  Filter,
  GeoBoundingBox,
  GeoPoint,
  GeoPolygon,
  GeoRadius,
  Match,
  MinShould,
  RangeCondition,
} from './types.js';

/** Deeper filters are refused so hostile input cannot exhaust the stack during parse or evaluation. */
export const MAX_FILTER_DEPTH = 64;

type Obj = Record<string, unknown>;

function fail(path: string, message: string): never {
  throw new DitherError('INVALID_FILTER', `${path}: ${message}`, { details: { path } });
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function expectObject(v: unknown, path: string, what: string): Obj {
  if (!isObj(v)) fail(path, `expected ${what} (an object), got ${typeOf(v)}`);
  return v;
}

/** Rejects the first key of `obj` outside `allowed`, naming its path. */
function closed(obj: Obj, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) fail(`${path}.${k}`, `unknown key (expected one of: ${allowed.join(', ')})`);
  }
}

/** Present and not null (Qdrant's serde treats `null` as an absent optional field). Own keys only. */
function given(obj: Obj, key: string): boolean {
  return Object.hasOwn(obj, key) && obj[key] !== undefined && obj[key] !== null;
}

function parseKeyPath(v: unknown, path: string): JsonPath {
  if (typeof v !== 'string') fail(path, `expected a payload key (string), got ${typeOf(v)}`);
  const parsed = parseJsonPath(v);
  if (parsed === undefined) {
    fail(
      path,
      `invalid key path ${JSON.stringify(v)} (segments are letters, digits, _ or -, or "quoted"; ` +
        'joined by ".", with [] or [N] after a segment for arrays)',
    );
  }
  return parsed;
}

const FILTER_KEYS = ['must', 'should', 'must_not', 'min_should'] as const;

/**
 * Validates `input` as a Qdrant filter and returns its normalised form. `path` names the filter's place in the
 * request for error messages (default `filter`). Throws DitherError INVALID_FILTER.
 */
export function parseFilter(input: unknown, path = 'filter'): Filter {
  return parseFilterAt(input, path, 0);
}

function parseFilterAt(input: unknown, path: string, depth: number): Filter {
  if (depth > MAX_FILTER_DEPTH) fail(path, `filter nested deeper than ${MAX_FILTER_DEPTH} levels`);
  const obj = expectObject(input, path, 'a filter');
  closed(obj, FILTER_KEYS, path);
  const out: { -readonly [K in keyof Filter]: Filter[K] } = {};
  for (const clause of ['must', 'should', 'must_not'] as const) {
    if (given(obj, clause)) out[clause] = parseConditionList(obj[clause], `${path}.${clause}`, depth);
  }
  if (given(obj, 'min_should')) out.min_should = parseMinShould(obj.min_should, `${path}.min_should`, depth);
  return out;
}

/** A clause holds one condition or an array of them (Qdrant's OneOrMany). */
function parseConditionList(v: unknown, path: string, depth: number): Condition[] {
  if (Array.isArray(v)) return v.map((c, i) => parseCondition(c, `${path}[${i}]`, depth));
  if (isObj(v)) return [parseCondition(v, path, depth)];
  return fail(path, `expected a condition or an array of conditions, got ${typeOf(v)}`);
}

function parseMinShould(v: unknown, path: string, depth: number): MinShould {
  const obj = expectObject(v, path, 'min_should');
  closed(obj, ['conditions', 'min_count'], path);
  if (!Array.isArray(obj.conditions)) {
    fail(`${path}.conditions`, `expected an array of conditions, got ${typeOf(obj.conditions)}`);
  }
  const conditions = obj.conditions.map((c, i) => parseCondition(c, `${path}.conditions[${i}]`, depth));
  const minCount = obj.min_count;
  if (typeof minCount !== 'number' || !Number.isSafeInteger(minCount) || minCount < 0) {
    fail(
      `${path}.min_count`,
      `expected an unsigned integer, got ${JSON.stringify(minCount) ?? typeOf(minCount)}`,
    );
  }
  return { conditions, min_count: minCount };
}

const FIELD_KEYS = [
  'key',
  'match',
  'range',
  'geo_bounding_box',
  'geo_radius',
  'geo_polygon',
  'values_count',
  'is_empty',
  'is_null',
] as const;

function parseCondition(v: unknown, path: string, depth: number): Condition {
  const obj = expectObject(v, path, 'a condition');
  if (Object.hasOwn(obj, 'key')) return parseFieldCondition(obj, path);
  if (Object.hasOwn(obj, 'is_empty') || Object.hasOwn(obj, 'is_null')) {
    const which = Object.hasOwn(obj, 'is_empty') ? 'is_empty' : 'is_null';
    closed(obj, [which], path);
    const inner = expectObject(obj[which], `${path}.${which}`, `{ "key": ... }`);
    closed(inner, ['key'], `${path}.${which}`);
    return { type: which, key: parseKeyPath(inner.key, `${path}.${which}.key`) };
  }
  if (Object.hasOwn(obj, 'has_id')) {
    closed(obj, ['has_id'], path);
    return { type: 'has_id', ids: parseIds(obj.has_id, `${path}.has_id`) };
  }
  if (Object.hasOwn(obj, 'has_vector')) {
    closed(obj, ['has_vector'], path);
    if (typeof obj.has_vector !== 'string') {
      fail(`${path}.has_vector`, `expected a vector name (string), got ${typeOf(obj.has_vector)}`);
    }
    return { type: 'has_vector', vector: obj.has_vector };
  }
  if (Object.hasOwn(obj, 'nested')) {
    closed(obj, ['nested'], path);
    const inner = expectObject(obj.nested, `${path}.nested`, '{ "key": ..., "filter": ... }');
    closed(inner, ['key', 'filter'], `${path}.nested`);
    const key = parseKeyPath(inner.key, `${path}.nested.key`);
    if (!given(inner, 'filter')) fail(`${path}.nested.filter`, 'missing');
    return { type: 'nested', key, filter: parseFilterAt(inner.filter, `${path}.nested.filter`, depth + 1) };
  }
  // Anything else must be a nested filter; its own key check names stray keys.
  return { type: 'filter', filter: parseFilterAt(obj, path, depth + 1) };
}

function parseIds(v: unknown, path: string): PointId[] {
  if (!Array.isArray(v)) fail(path, `expected an array of point ids, got ${typeOf(v)}`);
  const seen = new Set<PointId>();
  v.forEach((id, i) => {
    if (!isValidPointId(id)) {
      fail(
        `${path}[${i}]`,
        `${JSON.stringify(id) ?? typeOf(id)} is not a point id (unsigned integer below 2^53 or UUID)`,
      );
    }
    seen.add(normalizePointId(id));
  });
  return [...seen];
}

function parseFieldCondition(obj: Obj, path: string): FieldCondition {
  closed(obj, FIELD_KEYS, path);
  const out: { -readonly [K in keyof FieldCondition]: FieldCondition[K] } = {
    type: 'field',
    key: parseKeyPath(obj.key, `${path}.key`),
  };
  if (given(obj, 'match')) out.match = parseMatch(obj.match, `${path}.match`);
  if (given(obj, 'range')) out.range = parseRange(obj.range, `${path}.range`);
  if (given(obj, 'geo_bounding_box')) {
    out.geo_bounding_box = parseBoundingBox(obj.geo_bounding_box, `${path}.geo_bounding_box`);
  }
  if (given(obj, 'geo_radius')) out.geo_radius = parseGeoRadius(obj.geo_radius, `${path}.geo_radius`);
  if (given(obj, 'geo_polygon')) out.geo_polygon = parseGeoPolygon(obj.geo_polygon, `${path}.geo_polygon`);
  if (given(obj, 'values_count'))
    out.values_count = parseValuesCount(obj.values_count, `${path}.values_count`);
  for (const flag of ['is_empty', 'is_null'] as const) {
    if (!given(obj, flag)) continue;
    const b = obj[flag];
    if (typeof b !== 'boolean') fail(`${path}.${flag}`, `expected a boolean, got ${typeOf(b)}`);
    out[flag] = b;
  }
  if (Object.keys(out).length === 2) {
    fail(
      path,
      'at least one field condition must be specified (match, range, geo_bounding_box, geo_radius, ' +
        'geo_polygon, values_count, is_empty, is_null)',
    );
  }
  return out;
}

const MATCH_KEYS = ['value', 'any', 'except', 'text', 'text_any', 'phrase'] as const;

function parseMatch(v: unknown, path: string): Match {
  const obj = expectObject(v, path, 'a match');
  closed(obj, MATCH_KEYS, path);
  const present = MATCH_KEYS.filter((k) => Object.hasOwn(obj, k));
  if (present.length !== 1) {
    fail(path, `expected exactly one of ${MATCH_KEYS.join(', ')}, got ${present.length}`);
  }
  const kind = present[0] as (typeof MATCH_KEYS)[number];
  const value = obj[kind];
  const at = `${path}.${kind}`;
  switch (kind) {
    case 'value':
      if (typeof value === 'string' || typeof value === 'boolean') return { type: 'value', value };
      if (typeof value === 'number' && Number.isInteger(value)) return { type: 'value', value };
      return fail(at, `expected a string, an integer or a boolean, got ${describe(value)}`);
    case 'any':
    case 'except':
      return { type: kind, values: parseAnyVariants(value, at) };
    default:
      if (typeof value !== 'string') fail(at, `expected a string, got ${typeOf(value)}`);
      return { type: kind, text: value };
  }
}

function describe(v: unknown): string {
  return typeof v === 'number' ? `the number ${v}` : typeOf(v);
}

/** Qdrant's AnyVariants: all strings or all integers; an empty list counts as strings. */
function parseAnyVariants(v: unknown, path: string): string[] | number[] {
  if (!Array.isArray(v)) fail(path, `expected an array of strings or of integers, got ${typeOf(v)}`);
  if (v.length === 0 || typeof v[0] === 'string') {
    v.forEach((x, i) => {
      if (typeof x !== 'string')
        fail(`${path}[${i}]`, `expected a string like the first element, got ${typeOf(x)}`);
    });
    return [...new Set(v as string[])];
  }
  v.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isInteger(x)) {
      fail(`${path}[${i}]`, `expected an integer (the list holds integers), got ${describe(x)}`);
    }
  });
  return [...new Set(v as number[])];
}

const BOUND_KEYS = ['gt', 'gte', 'lt', 'lte'] as const;

/** Qdrant's RangeInterface: numeric bounds, or RFC 3339 datetime strings; not both in one range. */
function parseRange(v: unknown, path: string): RangeCondition {
  const obj = expectObject(v, path, 'a range');
  closed(obj, BOUND_KEYS, path);
  const given_ = BOUND_KEYS.filter((k) => given(obj, k));
  const isDatetime = given_.some((k) => typeof obj[k] === 'string');
  const out: { -readonly [K in keyof Bounds]: Bounds[K] } = {};
  for (const k of given_) {
    const b = obj[k];
    if (isDatetime) {
      if (typeof b !== 'string') {
        fail(`${path}.${k}`, `expected a datetime string like the other bounds, got ${typeOf(b)}`);
      }
      const micros = parseDatetimeMicros(b);
      if (micros === undefined) {
        fail(`${path}.${k}`, `${JSON.stringify(b)} is not an RFC 3339 datetime (e.g. 2023-02-08T10:49:00Z)`);
      }
      out[k] = micros;
    } else {
      if (typeof b !== 'number' || !Number.isFinite(b)) {
        fail(`${path}.${k}`, `expected a finite number or an RFC 3339 datetime string, got ${typeOf(b)}`);
      }
      out[k] = b;
    }
  }
  return { type: isDatetime ? 'datetime' : 'number', ...out };
}

function parseValuesCount(v: unknown, path: string): Bounds {
  const obj = expectObject(v, path, 'values_count');
  closed(obj, BOUND_KEYS, path);
  const out: { -readonly [K in keyof Bounds]: Bounds[K] } = {};
  for (const k of BOUND_KEYS) {
    if (!given(obj, k)) continue;
    const b = obj[k];
    if (typeof b !== 'number' || !Number.isSafeInteger(b) || b < 0) {
      fail(`${path}.${k}`, `expected an unsigned integer, got ${describe(b)}`);
    }
    out[k] = b;
  }
  return out;
}

function parseGeoPoint(v: unknown, path: string): GeoPoint {
  const obj = expectObject(v, path, 'a geo point { "lon", "lat" }');
  closed(obj, ['lon', 'lat'], path);
  const { lon, lat } = obj;
  if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180) {
    fail(`${path}.lon`, 'expected a longitude in [-180, 180]');
  }
  if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90) {
    fail(`${path}.lat`, 'expected a latitude in [-90, 90]');
  }
  return { lon, lat };
}

function parseBoundingBox(v: unknown, path: string): GeoBoundingBox {
  const obj = expectObject(v, path, 'geo_bounding_box');
  closed(obj, ['top_left', 'bottom_right'], path);
  return {
    top_left: parseGeoPoint(obj.top_left, `${path}.top_left`),
    bottom_right: parseGeoPoint(obj.bottom_right, `${path}.bottom_right`),
  };
}

function parseGeoRadius(v: unknown, path: string): GeoRadius {
  const obj = expectObject(v, path, 'geo_radius');
  closed(obj, ['center', 'radius'], path);
  const radius = obj.radius;
  if (typeof radius !== 'number' || !Number.isFinite(radius) || radius < 0) {
    fail(`${path}.radius`, 'expected a non-negative number of metres');
  }
  return { center: parseGeoPoint(obj.center, `${path}.center`), radius };
}

function parseLineString(v: unknown, path: string): GeoPoint[] {
  const obj = expectObject(v, path, 'a line string { "points": [...] }');
  closed(obj, ['points'], path);
  if (!Array.isArray(obj.points))
    fail(`${path}.points`, `expected an array of geo points, got ${typeOf(obj.points)}`);
  const points = obj.points.map((p, i) => parseGeoPoint(p, `${path}.points[${i}]`));
  // Qdrant's validation: a ring is closed and has at least 4 points (a triangle plus the closing point).
  if (points.length < 4) fail(`${path}.points`, 'a polygon ring needs at least 4 points');
  const first = points[0] as GeoPoint;
  const last = points[points.length - 1] as GeoPoint;
  if (first.lon !== last.lon || first.lat !== last.lat) {
    fail(`${path}.points`, 'a polygon ring must be closed (first point equal to the last)');
  }
  return points;
}

function parseGeoPolygon(v: unknown, path: string): GeoPolygon {
  const obj = expectObject(v, path, 'geo_polygon');
  closed(obj, ['exterior', 'interiors'], path);
  const exterior = parseLineString(obj.exterior, `${path}.exterior`);
  let interiors: GeoPoint[][] = [];
  if (given(obj, 'interiors')) {
    if (!Array.isArray(obj.interiors))
      fail(`${path}.interiors`, `expected an array, got ${typeOf(obj.interiors)}`);
    interiors = obj.interiors.map((r, i) => parseLineString(r, `${path}.interiors[${i}]`));
  }
  return { exterior, interiors };
}
