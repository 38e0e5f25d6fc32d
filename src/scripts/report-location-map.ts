/** One report's location on a map, on the staff report page. */
import L from 'leaflet';
import { createBaseMap, markerIcon, revealJsOnly, type BaseMapConfig } from './staff-map.ts';

export function showReportLocation(): void {
  const el = document.getElementById('report-location-map');
  if (!el) return;
  revealJsOnly();
  const map = createBaseMap(el, JSON.parse(el.dataset.mapConfig!) as BaseMapConfig);
  const [lng, lat] = JSON.parse(el.dataset.point!) as [number, number];
  L.marker([lat, lng], { icon: markerIcon, title: '举报位置', alt: '举报位置' }).addTo(map);
  map.setView([lat, lng], 15);
}
