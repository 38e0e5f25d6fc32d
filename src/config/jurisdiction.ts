/**
 * The deployed county, as every page and module reads it: its own file (./county.json: names,
 * townships and villages, map outline, contact lines and the hotline's working-day limits),
 * checked when the portal starts, plus what comes from the environment (the map tiles and
 * whether this is a demo). The shipped file is the demo county, 稷山县 (山西省运城市).
 *
 * Coordinates are WGS-84 [lng, lat]. The demo's boundary, township seats and village names are
 * hand-placed approximations (`map.approximate` makes every map say so); a real deployment
 * replaces them with surveyed data from its 自然资源局.
 */
import countyJson from './county.json' with { type: 'json' };
import { parseCountyFile } from './county-file.ts';
import type { Jurisdiction, TileSource } from './types.ts';

/** 天地图 when a key is configured (CGCS2000 ≈ WGS-84, no shift); otherwise OpenStreetMap. */
function selectTileSource(env: Record<string, string | undefined>): TileSource {
  const tk = env.TIANDITU_TK?.trim();
  if (tk) {
    const layer = (name: string) =>
      `https://t{s}.tianditu.gov.cn/${name}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0` +
      `&LAYER=${name}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(tk)}`;
    return {
      name: '天地图',
      urlTemplates: [layer('vec'), layer('cva')],
      subdomains: '01234567',
      attribution: '底图 © 天地图',
      reviewNumber: env.MAP_REVIEW_NUMBER ?? '审图号：以天地图官网公布的审图号为准',
      maxZoom: 18,
    };
  }
  return {
    name: 'OpenStreetMap',
    urlTemplates: ['https://tile.openstreetmap.org/{z}/{x}/{y}.png'],
    attribution: '底图 © OpenStreetMap 贡献者',
    reviewNumber: env.MAP_REVIEW_NUMBER ?? '示意底图，无审图号，仅供演示；正式部署请配置天地图',
    maxZoom: 19,
  };
}

const county = parseCountyFile(countyJson);

export const jurisdiction: Jurisdiction = {
  ...county,
  map: { ...county.map, tiles: selectTileSource(process.env) },
  demo: process.env.DEMO_MODE !== 'off',
};

export function findTownship(code: string) {
  return jurisdiction.townships.find((t) => t.code === code);
}

export function findTownshipByName(name: string) {
  return jurisdiction.townships.find((t) => t.name === name.trim());
}
