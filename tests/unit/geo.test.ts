import { describe, expect, it } from 'vitest';
import { jurisdiction } from '../../src/config/jurisdiction.ts';
import { coarsen, detectGcj02Offset, distanceMetres, gcj02ToWgs84, pointInPolygon, wgs84ToGcj02 } from '../../src/domain/places/geo.ts';
import type { LngLat } from '../../src/config/types.ts';

const boundary = jurisdiction.map.boundary;
const countySeat: LngLat = [110.979, 35.6];

describe('GCJ-02 conversion', () => {
  it('shifts points in China by a few hundred metres and converts back within a centimetre', () => {
    const gcj = wgs84ToGcj02(countySeat);
    const shift = distanceMetres(countySeat, gcj);
    expect(shift).toBeGreaterThan(100);
    expect(shift).toBeLessThan(1000);
    expect(distanceMetres(gcj02ToWgs84(gcj), countySeat)).toBeLessThan(0.01);
  });

  it('leaves points outside China alone', () => {
    expect(wgs84ToGcj02([2.35, 48.85])).toEqual([2.35, 48.85]);
    expect(gcj02ToWgs84([-74, 40.7])).toEqual([-74, 40.7]);
  });
});

describe('GCJ-02 offset detection', () => {
  it('suggests the correction when a photo taken on site sits where the corrected point is', () => {
    const typed = wgs84ToGcj02(countySeat);
    const hint = detectGcj02Offset(typed, boundary, countySeat);
    expect(hint?.reason).toBe('matches-reference');
    expect(distanceMetres(hint!.corrected, countySeat)).toBeLessThan(1);
  });

  it('suggests the correction when only the corrected point lies inside the county', () => {
    // A WGS-84 point just inside the western edge; the GCJ-02 shift moves it outward.
    const inside: LngLat = [110.8005, 35.585];
    const gcj = wgs84ToGcj02(inside);
    if (!pointInPolygon(gcj, boundary)) expect(detectGcj02Offset(gcj, boundary)?.reason).toBe('outside-boundary');
    else expect(pointInPolygon(inside, boundary)).toBe(true);
  });

  it('says nothing for an ordinary WGS-84 point without a reference', () => {
    expect(detectGcj02Offset(countySeat, boundary)).toBeNull();
  });

  it('says nothing when the photo agrees with the typed point', () => {
    expect(detectGcj02Offset(countySeat, boundary, [110.9791, 35.6001])).toBeNull();
  });
});

describe('jurisdiction boundary', () => {
  it('contains the township seats and not a point in the next county', () => {
    for (const t of jurisdiction.townships) expect(pointInPolygon(t.lngLat, boundary), t.name).toBe(true);
    expect(pointInPolygon([110.65, 35.6], boundary)).toBe(false);
    expect(pointInPolygon([111.3, 35.6], boundary)).toBe(false);
  });
});

describe('coarsening for public maps', () => {
  it('moves a point by at most about 400 m and maps nearby points to the same cell', () => {
    const p: LngLat = [110.97913, 35.60127];
    const c = coarsen(p);
    expect(distanceMetres(p, c)).toBeLessThan(400);
    expect(coarsen([110.9792, 35.6012])).toEqual(c);
  });
});
