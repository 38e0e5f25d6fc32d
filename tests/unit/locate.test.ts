import { describe, expect, it } from 'vitest';
import { locatePoint, type LocatableTownship } from '../../src/domain/places/locate.ts';

const square = (x: number, y: number, d: number) => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]] as Array<[number, number]>;
const TOWNSHIPS: LocatableTownship[] = [
  // A long township whose seat lies far from its eastern end.
  { code: 'long', name: '长镇', lngLat: [110.8, 35.6], boundary: [[110.78, 35.58], [110.95, 35.58], [110.95, 35.62], [110.78, 35.62], [110.78, 35.58]], villages: [{ name: '西村', lngLat: [110.8, 35.6] }, { name: '东村', lngLat: [110.94, 35.6] }, { name: '无坐标村' }] },
  { code: 'near', name: '近乡', lngLat: [110.96, 35.64], villages: [{ name: '甲村' }, { name: '乙村' }] },
  { code: 'box', name: '方镇', lngLat: [111.1, 35.5], boundary: square(111.05, 35.45, 0.1), villages: [] },
];

describe('locating a point on the report map', () => {
  it('chooses the township whose outline holds the point, even when another seat is nearer', () => {
    const at = locatePoint([110.945, 35.61], TOWNSHIPS)!;
    expect(at.township.code).toBe('long');
    expect(at.by).toBe('outline');
    expect(at.village).toBe('东村');
  });

  it('falls back to the nearest seat outside every outline, and picks no village when none has a position', () => {
    const at = locatePoint([110.97, 35.645], TOWNSHIPS)!;
    expect(at).toMatchObject({ by: 'nearest-seat', village: null });
    expect(at.township.code).toBe('near');
  });

  it('picks the nearest placed village of the chosen township only', () => {
    expect(locatePoint([110.81, 35.59], TOWNSHIPS)!.village).toBe('西村');
    expect(locatePoint([111.06, 35.46], TOWNSHIPS)).toMatchObject({ by: 'outline', village: null });
  });

  it('has nothing to say without townships', () => {
    expect(locatePoint([110.9, 35.6], [])).toBeNull();
  });
});
