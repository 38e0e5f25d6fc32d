/**
 * Coordinates: WGS-84 is what we store. Chinese consumer maps (高德, 腾讯, WeChat) show GCJ-02,
 * which is offset by a few hundred metres; a citizen copying coordinates from them must be
 * corrected. Also: point-in-polygon for the jurisdiction and coarsening for public maps.
 */
import type { LngLat } from '../../config/types.ts';

const A = 6378245.0;
const EE = 0.00669342162296594323;

function transformLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function transformLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** Rough bounding box of mainland China, where GCJ-02 applies. */
export function isInChina([lng, lat]: LngLat): boolean {
  return lng > 73.66 && lng < 135.05 && lat > 3.86 && lat < 53.55;
}

export function wgs84ToGcj02(point: LngLat): LngLat {
  const [lng, lat] = point;
  if (!isInChina(point)) return point;
  let dLat = transformLat(lng - 105, lat - 35);
  let dLng = transformLng(lng - 105, lat - 35);
  const radLat = (lat / 180) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLng = (dLng * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lng + dLng, lat + dLat];
}

/** Inverse of wgs84ToGcj02 by fixed-point iteration (error < 1 cm). */
export function gcj02ToWgs84(point: LngLat): LngLat {
  if (!isInChina(point)) return point;
  let [lng, lat] = point;
  for (let i = 0; i < 30; i++) {
    const [gLng, gLat] = wgs84ToGcj02([lng, lat]);
    const dLng = gLng - point[0];
    const dLat = gLat - point[1];
    lng -= dLng;
    lat -= dLat;
    if (Math.abs(dLng) < 1e-9 && Math.abs(dLat) < 1e-9) break;
  }
  return [lng, lat];
}

/** Great-circle distance in metres. */
export function distanceMetres([lng1, lat1]: LngLat, [lng2, lat2]: LngLat): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Ray casting; points on an edge may fall either way, which is fine at this scale. */
export function pointInPolygon([x, y]: LngLat, ring: readonly LngLat[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Snaps to a grid of 0.005° (about 550 m north–south, 450 m east–west here) for public display. */
export function coarsen([lng, lat]: LngLat, step = 0.005): LngLat {
  const snap = (v: number) => Math.round(Math.round(v / step) * step * 1e6) / 1e6;
  return [snap(lng), snap(lat)];
}

export interface Gcj02Suggestion {
  /** The point converted from GCJ-02 to WGS-84. */
  corrected: LngLat;
  reason: 'outside-boundary' | 'matches-reference';
}

/**
 * Flags a point that looks like GCJ-02 typed as WGS-84: either it lies outside the jurisdiction
 * while its correction lies inside, or a trusted WGS-84 reference (a photo's GPS) sits near the
 * corrected point but not near the given one.
 */
export function detectGcj02Offset(point: LngLat, boundary: readonly LngLat[], reference?: LngLat): Gcj02Suggestion | null {
  if (!isInChina(point)) return null;
  const corrected = gcj02ToWgs84(point);
  if (!pointInPolygon(point, boundary) && pointInPolygon(corrected, boundary)) return { corrected, reason: 'outside-boundary' };
  if (reference) {
    const offset = distanceMetres(point, corrected);
    if (distanceMetres(reference, corrected) < offset / 3 && distanceMetres(reference, point) > offset * 0.66) {
      return { corrected, reason: 'matches-reference' };
    }
  }
  return null;
}
