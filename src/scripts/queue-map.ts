/** The queue's map view: the filtered reports as clustered markers linking to each report. */
import L from 'leaflet';
import 'leaflet.markercluster';
import { createBaseMap, markerIcon, revealJsOnly, type BaseMapConfig } from './staff-map.ts';

export async function showQueueMap(): Promise<void> {
  const el = document.getElementById('queue-map');
  if (!el) return;
  revealJsOnly();
  const map = createBaseMap(el, JSON.parse(el.dataset.mapConfig!) as BaseMapConfig);
  const cluster = L.markerClusterGroup();
  const res = await fetch(el.dataset.pointsUrl!, { headers: { Accept: 'application/json' } });
  if (!res.ok) return;
  const points = (await res.json()) as Array<{ id: string; lng: number; lat: number; status: string }>;
  for (const p of points) {
    const link = document.createElement('a');
    link.href = `/staff/reports/${p.id}/`;
    link.textContent = `举报 #${p.id}`;
    cluster.addLayer(L.marker([p.lat, p.lng], { icon: markerIcon, title: `举报 #${p.id}`, alt: `举报 #${p.id}` }).bindPopup(link));
  }
  map.addLayer(cluster);
}
