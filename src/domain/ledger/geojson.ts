/**
 * Patch polygons (图斑) from GeoJSON: parsing with clear Chinese errors, bounding boxes, and
 * point-in-patch / distance-to-patch for linking citizens' reports to ledger items.
 */
import type { LngLat } from '../../config/types.ts';
import type { GeoJsonGeometry } from '../../server/database.ts';
import { distanceMetres, pointInPolygon } from '../places/geo.ts';

export interface PatchFeature {
  externalId: string;
  geometry: GeoJsonGeometry;
  bbox: [minLng: number, minLat: number, maxLng: number, maxLat: number];
}

export interface GeometryFileResult {
  features: PatchFeature[];
  errors: Array<{ index: number; message: string }>;
}

const ID_KEYS = ['图斑编号', '宗号', '编号', 'external_id', 'externalId', 'TBBH', 'tbbh', 'id'];

function isPosition(p: unknown): p is [number, number] {
  return Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number' && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;
}

function isRing(r: unknown): r is [number, number][] {
  return Array.isArray(r) && r.length >= 4 && r.every(isPosition);
}

function polygonsOf(g: GeoJsonGeometry): [number, number][][][] {
  return (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as [number, number][][][];
}

export function parseGeometryFile(text: string, maxFeatures = 20_000): GeometryFileResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { features: [], errors: [{ index: 0, message: '文件不是有效的 GeoJSON（JSON 格式错误）' }] };
  }
  const fc = json as { type?: string; features?: unknown[] };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    return { features: [], errors: [{ index: 0, message: '文件应为 GeoJSON FeatureCollection（要素集合）' }] };
  }
  if (fc.features.length > maxFeatures) return { features: [], errors: [{ index: 0, message: `要素太多（超过 ${maxFeatures} 个），请分批导入` }] };
  const features: PatchFeature[] = [];
  const errors: GeometryFileResult['errors'] = [];
  fc.features.forEach((raw, index) => {
    const f = raw as { properties?: Record<string, unknown>; geometry?: { type?: string; coordinates?: unknown } };
    const idKey = ID_KEYS.find((k) => f?.properties?.[k] !== undefined && String(f.properties[k]).trim() !== '');
    if (!idKey) return errors.push({ index: index + 1, message: `第 ${index + 1} 个要素缺少图斑编号属性（${ID_KEYS.slice(0, 3).join('、')}）` });
    const externalId = String(f.properties![idKey]).trim();
    const g = f.geometry;
    const ok =
      (g?.type === 'Polygon' && Array.isArray(g.coordinates) && g.coordinates.length > 0 && g.coordinates.every(isRing)) ||
      (g?.type === 'MultiPolygon' && Array.isArray(g.coordinates) && g.coordinates.length > 0 && g.coordinates.every((p) => Array.isArray(p) && p.length > 0 && p.every(isRing)));
    if (!ok) return errors.push({ index: index + 1, message: `图斑“${externalId}”的几何不是有效的面（Polygon/MultiPolygon，WGS-84 经纬度）` });
    const geometry = { type: g!.type, coordinates: g!.coordinates } as GeoJsonGeometry;
    const all = polygonsOf(geometry).flat(2);
    const lngs = all.map((p) => p[0]);
    const lats = all.map((p) => p[1]);
    features.push({ externalId, geometry, bbox: [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)] });
  });
  return { features, errors };
}

/** Inside the outer ring of any polygon and outside its holes. */
export function pointInGeometry(point: LngLat, g: GeoJsonGeometry): boolean {
  return polygonsOf(g).some(([outer, ...holes]) => !!outer && pointInPolygon(point, outer) && !holes.some((h) => pointInPolygon(point, h)));
}

/** Shortest distance from a point to the patch's boundary, in metres (0 inside). */
export function distanceToGeometryMetres(point: LngLat, g: GeoJsonGeometry): number {
  if (pointInGeometry(point, g)) return 0;
  const kx = 111_320 * Math.cos((point[1] * Math.PI) / 180);
  const ky = 110_574;
  let best = Infinity;
  for (const ring of polygonsOf(g).flat()) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [ax, ay] = [(ring[i]![0] - point[0]) * kx, (ring[i]![1] - point[1]) * ky];
      const [bx, by] = [(ring[i + 1]![0] - point[0]) * kx, (ring[i + 1]![1] - point[1]) * ky];
      const dx = bx - ax;
      const dy = by - ay;
      const len = dx * dx + dy * dy;
      const t = len === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len));
      best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
    }
  }
  return best;
}

export { distanceMetres };
