/**
 * Which township and village a point on the report map lies in, for pre-filling the form (the
 * citizen can still change both). A township with a configured outline is chosen when the point
 * lies in it; otherwise the nearest township seat. Within the township, the nearest village with a
 * configured position, if any has one.
 */
import type { LngLat } from '../../config/types.ts';
import { distanceMetres, pointInPolygon } from './geo.ts';

export interface LocatableTownship {
  code: string;
  name: string;
  lngLat: LngLat;
  /** The township's outline, where the county has supplied one. */
  boundary?: readonly LngLat[];
  villages: ReadonlyArray<{ name: string; lngLat?: LngLat }>;
}

export interface Located {
  township: LocatableTownship;
  /** How the township was found: inside its outline, or nearest seat. */
  by: 'outline' | 'nearest-seat';
  village: string | null;
}

export function locatePoint(p: LngLat, townships: readonly LocatableTownship[]): Located | null {
  if (townships.length === 0) return null;
  const inside = townships.find((t) => t.boundary && t.boundary.length >= 3 && pointInPolygon(p, t.boundary));
  const township = inside ?? [...townships].sort((a, b) => distanceMetres(p, a.lngLat) - distanceMetres(p, b.lngLat))[0]!;
  const placed = township.villages.filter((v): v is { name: string; lngLat: LngLat } => Array.isArray(v.lngLat));
  const village = placed.sort((a, b) => distanceMetres(p, a.lngLat) - distanceMetres(p, b.lngLat))[0]?.name ?? null;
  return { township, by: inside ? 'outline' : 'nearest-seat', village };
}
