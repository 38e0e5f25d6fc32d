/**
 * The report form's map: a Leaflet map to drop a pin (tap, drag, the phone's position, a photo's
 * GPS or typed coordinates), the township and village following the pin, and the villages listed
 * for the chosen township only.
 */
import L from 'leaflet';
import type { LngLat } from '../config/types.ts';
import { pointInPolygon } from '../domain/places/geo.ts';
import { locatePoint, type LocatableTownship } from '../domain/places/locate.ts';
import { createBaseMap, markerIcon, type BaseMapConfig } from './staff-map.ts';

export interface MapConfig extends BaseMapConfig {
  approximate: boolean;
  townships: LocatableTownship[];
}

/** The zoom at which a pin from the phone's position or a photo shows its surroundings. */
const CLOSE_ZOOM = 15;

/** Shows only the chosen township's villages. */
export function filterVillages(township: HTMLSelectElement, village: HTMLSelectElement): void {
  for (const group of village.querySelectorAll<HTMLOptGroupElement>('optgroup')) {
    const match = !township.value || group.dataset.township === township.value;
    group.hidden = !match;
    group.disabled = !match;
  }
  if (village.selectedOptions[0]?.parentElement instanceof HTMLOptGroupElement && village.selectedOptions[0].parentElement.disabled) {
    village.value = '';
  }
}

export interface LocationFields {
  lat: HTMLInputElement;
  lng: HTMLInputElement;
  township: HTMLSelectElement;
  village: HTMLSelectElement;
  source: HTMLInputElement;
}

/** Where a pin comes from: a tap or drag on the map, the phone's position, a photo, or typed coordinates. */
type PinSource = 'map' | 'device' | 'photo' | 'manual';

export interface MapPins {
  place: (p: LngLat, from: PinSource) => void;
  /** Marks where a chosen photo was taken, without moving the pin. */
  showPhoto: (p: LngLat) => void;
}

export function setUpMap(el: HTMLElement, config: MapConfig, form: HTMLFormElement, f: LocationFields): MapPins {
  const toLatLng = ([x, y]: LngLat) => L.latLng(y, x);
  const map = createBaseMap(el, config);
  for (const t of config.townships) {
    L.circleMarker(toLatLng(t.lngLat), { radius: 5, color: '#1a5c37', fillOpacity: 0.8 })
      .bindTooltip(t.name, { permanent: true, direction: 'right', className: 'township-label' })
      .addTo(map);
  }
  let marker: L.Marker | null = null;
  let photoMarker: L.CircleMarker | null = null;
  const status = form.querySelector<HTMLElement>('[data-locate-status]')!;

  const place = (p: LngLat, from: PinSource) => {
    if (!marker) {
      marker = L.marker(toLatLng(p), { draggable: true, icon: markerIcon, keyboard: true, title: '举报位置（可拖动）', alt: '举报位置' }).addTo(map);
      marker.on('dragend', () => {
        const ll = marker!.getLatLng();
        place([ll.lng, ll.lat], 'map');
      });
    } else {
      marker.setLatLng(toLatLng(p));
    }
    // One move that ends with the pin in view: a pan followed by a zoom about the old centre
    // could leave it off the map. A position from the phone or a photo is shown close up.
    const zoom = from === 'device' || from === 'photo' ? Math.max(map.getZoom(), CLOSE_ZOOM) : map.getZoom();
    map.setView(toLatLng(p), zoom);
    if (from !== 'manual') {
      f.lat.value = p[1].toFixed(6);
      f.lng.value = p[0].toFixed(6);
      form.querySelector<HTMLInputElement>('#coord_system-wgs84')!.checked = true;
      f.source.value = 'map';
      f.lat.dispatchEvent(new Event('input', { bubbles: true }));
    }
    if (!pointInPolygon(p, config.boundary)) {
      status.textContent = '这个位置不在本县范围内，请重新选择。';
      return;
    }
    // The township (and village, where villages have positions) follow the pin; the citizen can change them.
    const at = locatePoint(p, config.townships);
    if (!at) return;
    if (f.township.value !== at.township.code) {
      f.township.value = at.township.code;
      f.township.dispatchEvent(new Event('change', { bubbles: true }));
    }
    if (at.village && f.village.value !== at.village) f.village.value = at.village;
    status.textContent = `已按位置选择“${at.township.name}${at.village ?? ''}”，如不对请修改。`;
  };

  const showPhoto = (p: LngLat) => {
    photoMarker?.remove();
    photoMarker = L.circleMarker(toLatLng(p), { radius: 9, color: '#8a4b00', weight: 3, fillOpacity: 0.3, className: 'photo-position' })
      .bindTooltip('照片拍摄位置', { permanent: true, direction: 'top' })
      .addTo(map);
    map.setView(toLatLng(p), Math.max(map.getZoom(), CLOSE_ZOOM - 1));
  };

  map.on('click', (e: L.LeafletMouseEvent) => place([e.latlng.lng, e.latlng.lat], 'map'));
  const locate = form.querySelector<HTMLButtonElement>('[data-locate]')!;
  locate.addEventListener('click', () => {
    if (!('geolocation' in navigator)) {
      status.textContent = '这个浏览器不支持定位，请在地图上点选位置。';
      return;
    }
    status.textContent = '正在定位…';
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        // Browsers report WGS-84.
        place([pos.coords.longitude, pos.coords.latitude], 'device');
        status.textContent = `已定位（误差约 ${Math.round(pos.coords.accuracy)} 米），请核对标记位置。`;
      },
      (err) => {
        status.textContent = err.code === err.PERMISSION_DENIED ? '没有定位权限。请在地图上点选位置，或在浏览器设置中允许定位。' : '暂时无法定位，请在地图上点选位置。';
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  });

  const a = Number(f.lat.value);
  const o = Number(f.lng.value);
  if (f.lat.value && f.lng.value && Number.isFinite(a) && Number.isFinite(o)) place([o, a], 'manual');
  return { place, showPhoto };
}

/** Reads GPS from a chosen photo (loaded only when a photo is chosen, to keep the page light). */
export function setUpPhotoLocation(form: HTMLFormElement, found: (p: LngLat) => void): void {
  const input = form.querySelector<HTMLInputElement>('#photos')!;
  input.addEventListener('change', async () => {
    const files = [...(input.files ?? [])];
    if (files.length === 0) return;
    try {
      const { gps } = await import('exifr');
      for (const file of files) {
        const pos = await gps(file).catch(() => undefined);
        if (pos && Number.isFinite(pos.longitude) && Number.isFinite(pos.latitude) && !(pos.longitude === 0 && pos.latitude === 0)) {
          found([pos.longitude, pos.latitude]);
          return;
        }
      }
    } catch {
      /* no EXIF reader: the server still records the photo's GPS */
    }
  });
}
