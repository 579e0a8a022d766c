/**
 * The normalised filter produced by parseFilter: every clause is an array (Qdrant also takes a lone condition),
 * every key path is parsed, every id normalised, datetimes converted to microseconds, nulls standing for
 * "absent" dropped. `undefined` and `[]` stay different on purpose: an absent `should` imposes nothing while
 * an empty one matches no point (Qdrant's `any` over no conditions, see qdrant/qdrant#554).
 */
import type { PointId } from './ids.js';
import type { JsonPath } from './path.js';

export interface Filter {
  readonly must?: readonly Condition[];
  readonly should?: readonly Condition[];
  readonly must_not?: readonly Condition[];
  readonly min_should?: MinShould;
}

export interface MinShould {
  readonly conditions: readonly Condition[];
  readonly min_count: number;
}

export type Condition =
  | FieldCondition
  | IsEmptyCondition
  | IsNullCondition
  | HasIdCondition
  | HasVectorCondition
  | NestedCondition
  | FilterCondition;

/**
 * `{ key, match | range | geo_* | values_count | is_empty | is_null }`. Qdrant requires at least one and
 * allows several; it then decides as: values_count if given, else is_empty, else is_null, else any value
 * (array values element-wise) passing match OR range OR a geo condition.
 */
export interface FieldCondition {
  readonly type: 'field';
  readonly key: JsonPath;
  readonly match?: Match;
  readonly range?: RangeCondition;
  readonly geo_bounding_box?: GeoBoundingBox;
  readonly geo_radius?: GeoRadius;
  readonly geo_polygon?: GeoPolygon;
  readonly values_count?: ValuesCount;
  readonly is_empty?: boolean;
  readonly is_null?: boolean;
}

export interface IsEmptyCondition {
  readonly type: 'is_empty';
  readonly key: JsonPath;
}

export interface IsNullCondition {
  readonly type: 'is_null';
  readonly key: JsonPath;
}

export interface HasIdCondition {
  readonly type: 'has_id';
  /** Normalised, de-duplicated. */
  readonly ids: readonly PointId[];
}

export interface HasVectorCondition {
  readonly type: 'has_vector';
  readonly vector: string;
}

export interface NestedCondition {
  readonly type: 'nested';
  /** As written; evaluation walks `key[]`, one object element at a time. */
  readonly key: JsonPath;
  readonly filter: Filter;
}

export interface FilterCondition {
  readonly type: 'filter';
  readonly filter: Filter;
}

export type Match =
  | { readonly type: 'value'; readonly value: string | number | boolean }
  | { readonly type: 'any'; readonly values: readonly string[] | readonly number[] }
  | { readonly type: 'except'; readonly values: readonly string[] | readonly number[] }
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'text_any'; readonly text: string }
  | { readonly type: 'phrase'; readonly text: string };

export interface Bounds {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
}

/** Numeric bounds, or datetime bounds in microseconds since the epoch (UTC). */
export type RangeCondition =
  | ({ readonly type: 'number' } & Bounds)
  | ({ readonly type: 'datetime' } & Bounds);

/** Bounds on the number of values at the key (array length; 1 for a scalar; 0 for null or missing). */
export type ValuesCount = Bounds;

export interface GeoPoint {
  readonly lon: number;
  readonly lat: number;
}

export interface GeoBoundingBox {
  readonly top_left: GeoPoint;
  readonly bottom_right: GeoPoint;
}

export interface GeoRadius {
  readonly center: GeoPoint;
  /** Metres. */
  readonly radius: number;
}

export interface GeoPolygon {
  /** Closed rings: first point equals last, at least 4 points. */
  readonly exterior: readonly GeoPoint[];
  readonly interiors: readonly (readonly GeoPoint[])[];
}
