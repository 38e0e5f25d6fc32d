/**
 * The one file a county edits to deploy the portal: its name, townships and villages, map and
 * contact lines, and the working-day limits of the hotline. The shipped values are the demo
 * county, 稷山县 (山西省运城市), whose township figures come from its 2023 work plan.
 *
 * Coordinates are WGS-84 [lng, lat]. The demo's boundary, township seats and village names are
 * hand-placed approximations (`map.approximate` makes every map say so); a real deployment
 * replaces them with surveyed data from its 自然资源局.
 */
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

export const jurisdiction: Jurisdiction = {
  countyName: '稷山县',
  countyFullName: '山西省运城市稷山县',
  campaignName: '耕地保护整治提升行动',
  publisher: '稷山县耕地保护整治提升行动领导小组办公室（设在县自然资源局）',
  townships: [
    {
      code: 'jifeng',
      name: '稷峰镇',
      lngLat: [110.979, 35.6],
      villages: [{ name: '姚村' }, { name: '南阳村' }, { name: '高渠村' }, { name: '杨赵村' }],
    },
    {
      code: 'huayu',
      name: '化峪镇',
      lngLat: [110.905, 35.572],
      villages: [{ name: '化峪村' }, { name: '南位村' }, { name: '北位村' }],
    },
    {
      code: 'taiyang',
      name: '太阳乡',
      lngLat: [110.99, 35.555],
      villages: [{ name: '太阳村' }, { name: '吴城村' }, { name: '杨村' }],
    },
    {
      code: 'zhaidian',
      name: '翟店镇',
      lngLat: [111.06, 35.58],
      villages: [{ name: '翟店村' }, { name: '南里村' }, { name: '小阳村' }],
    },
    {
      code: 'qinghe',
      name: '清河镇',
      lngLat: [110.915, 35.628],
      villages: [{ name: '清河村' }, { name: '吴嘱村' }, { name: '仁义村' }],
    },
    {
      code: 'xishe',
      name: '西社镇',
      lngLat: [110.83, 35.66],
      villages: [{ name: '西社村' }, { name: '马跑泉村' }, { name: '西位村' }],
    },
    {
      code: 'caicun',
      name: '蔡村乡',
      lngLat: [111.1, 35.64],
      villages: [{ name: '蔡村' }, { name: '北董村' }, { name: '南董村' }],
    },
  ],
  map: {
    center: [110.97, 35.6],
    zoom: 11,
    boundary: [
      [110.78, 35.64],
      [110.82, 35.7],
      [110.9, 35.72],
      [111.0, 35.7],
      [111.1, 35.69],
      [111.17, 35.64],
      [111.15, 35.56],
      [111.06, 35.52],
      [110.96, 35.51],
      [110.87, 35.53],
      [110.8, 35.58],
    ],
    approximate: true,
    tiles: selectTileSource(process.env),
  },
  contacts: [
    { label: '自然资源违法举报', number: '12336', hours: '全天受理' },
    { label: '县自然资源局执法监察（演示号码）', number: '0359-0000000', hours: '工作日 8:00—12:00，14:30—17:30' },
  ],
  deadlines: { decide: 3, verify: 10, handle: 30, reply: 5 },
  demo: process.env.DEMO_MODE !== 'off',
};

export function findTownship(code: string) {
  return jurisdiction.townships.find((t) => t.code === code);
}

export function findTownshipByName(name: string) {
  return jurisdiction.townships.find((t) => t.name === name.trim());
}
