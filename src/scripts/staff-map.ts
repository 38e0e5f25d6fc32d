/**
 * Leaflet set-up shared by every map (the report form's and the staff maps): tiles, the county
 * boundary (drawn even offline), icons, and controls that speak Chinese.
 */
import L from 'leaflet';
// Leaflet's stylesheet is imported by each page that has a map, not here: CSS imported from a
// client script went onto every page of the site, maps or not.
import iconUrl from 'leaflet/dist/images/marker-icon.png?url';
import iconRetinaUrl from 'leaflet/dist/images/marker-icon-2x.png?url';
import shadowUrl from 'leaflet/dist/images/marker-shadow.png?url';
import type { LngLat } from '../config/types.ts';

export interface BaseMapConfig {
  center: LngLat;
  zoom: number;
  boundary: LngLat[];
  tiles: { urlTemplates: string[]; subdomains?: string; attribution: string; maxZoom: number };
}

export const markerIcon = L.icon({ iconUrl, iconRetinaUrl, shadowUrl, iconSize: [25, 41], iconAnchor: [12, 41], shadowSize: [41, 41], popupAnchor: [1, -34] });

/** Zoom buttons and the attribution line in Chinese (Leaflet's own are English). */
function speakChinese(map: L.Map): void {
  L.control.zoom({ zoomInTitle: '放大', zoomInText: '+', zoomOutTitle: '缩小', zoomOutText: '−' }).addTo(map);
  map.attributionControl.setPrefix('地图组件 <a href="https://leafletjs.com/" hreflang="en">Leaflet</a>');
}

export function createBaseMap(el: HTMLElement, config: BaseMapConfig): L.Map {
  const map = L.map(el, { center: L.latLng(config.center[1], config.center[0]), zoom: config.zoom, zoomControl: false });
  speakChinese(map);
  for (const url of config.tiles.urlTemplates) {
    L.tileLayer(url, { maxZoom: config.tiles.maxZoom, subdomains: config.tiles.subdomains ?? 'abc', attribution: config.tiles.attribution }).addTo(map);
  }
  L.polygon(config.boundary.map(([x, y]) => L.latLng(y, x)), { color: '#0f3d24', weight: 3, fill: false }).addTo(map);
  return map;
}

export function revealJsOnly(): void {
  for (const el of document.querySelectorAll<HTMLElement>('.js-only')) el.classList.remove('js-only');
}
