/**
 * Geo predicates on payload points `{ "lon": number, "lat": number }`, with Qdrant's conventions:
 * bounding boxes are open (strict inequalities) and wrap across the antimeridian when top_left.lon >
 * bottom_right.lon; radius uses the haversine great-circle distance on a sphere of the mean Earth radius
 * (IUGG, 6 371 008.8 m, as in the `geo` crate Qdrant uses) and is strict (< radius); polygons are planar in
 * (lon, lat) and contain a point inside the exterior ring and outside every interior ring.
 */
import { isPlainObject } from './path.js';
import type { GeoBoundingBox, GeoPoint, GeoPolygon, GeoRadius } from './types.js';

export const MEAN_EARTH_RADIUS_M = 6_371_008.8;

const DEG = Math.PI / 180;

/** The (lon, lat) of a stored geo point, or false when `v` is not one. Writes into `out` (no allocation). */
export function readGeoPoint(v: unknown, out: { lon: number; lat: number }): boolean {
  if (!isPlainObject(v)) return false;
  const lon = v.lon;
  const lat = v.lat;
  if (typeof lon !== 'number' || typeof lat !== 'number') return false;
  out.lon = lon;
  out.lat = lat;
  return true;
}

export function haversineMetres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const sinDLat = Math.sin(((lat2 - lat1) * DEG) / 2);
  const sinDLon = Math.sin(((lon2 - lon1) * DEG) / 2);
  const a = sinDLat * sinDLat + Math.cos(lat1 * DEG) * Math.cos(lat2 * DEG) * sinDLon * sinDLon;
  return 2 * MEAN_EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

export function inBoundingBox(box: GeoBoundingBox, lon: number, lat: number): boolean {
  const { top_left: tl, bottom_right: br } = box;
  const lonOk = tl.lon > br.lon ? lon > tl.lon || lon < br.lon : tl.lon < lon && lon < br.lon;
  return lonOk && br.lat < lat && lat < tl.lat;
}

export function inRadius(r: GeoRadius, lon: number, lat: number): boolean {
  return haversineMetres(r.center.lon, r.center.lat, lon, lat) < r.radius;
}

/** Even–odd ray casting (W. R. Franklin's PNPOLY) on a closed ring. */
function inRing(ring: readonly GeoPoint[], lon: number, lat: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i] as GeoPoint;
    const b = ring[j] as GeoPoint;
    if (a.lat > lat !== b.lat > lat && lon < ((b.lon - a.lon) * (lat - a.lat)) / (b.lat - a.lat) + a.lon) {
      inside = !inside;
    }
  }
  return inside;
}

export function inPolygon(p: GeoPolygon, lon: number, lat: number): boolean {
  if (!inRing(p.exterior, lon, lat)) return false;
  for (const hole of p.interiors) if (inRing(hole, lon, lat)) return false;
  return true;
}
