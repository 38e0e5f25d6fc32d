/**
 * Progressive enhancement of the report form. Without it the form is complete (selects, place,
 * optional coordinates, plain POST). With it: a Leaflet map to drop a pin, "use my location",
 * township/village pre-filled from the pin, a GCJ-02 hint, the photo's GPS offered as location,
 * a draft kept in this browser, and a submit with upload progress that never double-posts.
 */
import type { LngLat } from '../config/types.ts';
import { detectGcj02Offset, pointInPolygon } from '../domain/places/geo.ts';
import { keepDraft } from './report-form-draft.ts';
import { filterVillages, setUpMap, setUpPhotoLocation, type MapConfig, type MapPins } from './report-form-map.ts';
import { enhanceSubmit } from './report-form-submit.ts';
import { secondaryButton } from './secondary-button.ts';

export function enhanceReportForm(): void {
  const form = document.querySelector<HTMLFormElement>('form[data-report-form]');
  if (!form) return;
  for (const el of form.querySelectorAll<HTMLElement>('.js-only')) el.classList.remove('js-only');
  const summary = document.getElementById('error-summary');
  summary?.focus();

  const lat = form.querySelector<HTMLInputElement>('[data-lat]')!;
  const lng = form.querySelector<HTMLInputElement>('[data-lng]')!;
  const township = form.querySelector<HTMLSelectElement>('#township')!;
  const village = form.querySelector<HTMLSelectElement>('#village')!;
  const source = form.querySelector<HTMLInputElement>('[data-location-source]')!;
  const gcjHint = form.querySelector<HTMLElement>('[data-gcj-hint]')!;
  const mapEl = document.getElementById('report-map');
  const config: MapConfig | null = mapEl ? JSON.parse(mapEl.dataset.mapConfig ?? 'null') : null;

  filterVillages(township, village);
  township.addEventListener('change', () => filterVillages(township, village));

  let pins: MapPins = { place: () => {}, showPhoto: () => {} };
  if (mapEl && config) pins = setUpMap(mapEl, config, form, { lat, lng, township, village, source });
  const setPin = pins.place;

  const coordSystem = () => form.querySelector<HTMLInputElement>('[data-coord-system]:checked')?.value ?? 'wgs84';
  const typedPoint = (): LngLat | null => {
    const a = Number(lat.value);
    const o = Number(lng.value);
    return lat.value.trim() && lng.value.trim() && Number.isFinite(a) && Number.isFinite(o) ? [o, a] : null;
  };
  let photoPoint: LngLat | null = null;
  const checkGcj = () => {
    gcjHint.replaceChildren();
    const p = typedPoint();
    if (!p || coordSystem() !== 'wgs84' || !config) return;
    const hint = detectGcj02Offset(p, config.boundary, photoPoint ?? undefined);
    if (!hint) return;
    gcjHint.append('这个坐标看起来来自高德地图或微信（有几百米偏差）。');
    const fix = secondaryButton('按高德、微信坐标纠正', () => {
      form.querySelector<HTMLInputElement>('#coord_system-gcj02')!.checked = true;
      gcjHint.textContent = '已改为“高德地图、微信、腾讯地图”，提交时会自动纠正。';
      setPin(hint.corrected, 'manual');
    });
    gcjHint.append(fix);
  };
  for (const input of [lat, lng]) {
    input.addEventListener('change', () => {
      const p = typedPoint();
      if (p && coordSystem() === 'wgs84') setPin(p, 'manual');
      checkGcj();
    });
  }

  setUpPhotoLocation(form, (p) => {
    photoPoint = p;
    checkGcj();
    if (!config || !pointInPolygon(p, config.boundary)) return;
    const here = typedPoint();
    if (here && here[0] === p[0] && here[1] === p[1]) return;
    // Shown on the map and offered, never taken without asking: the photo may be of another day.
    pins.showPhoto(p);
    const status = form.querySelector<HTMLElement>('[data-locate-status]')!;
    status.replaceChildren('照片带有位置，使用它？', secondaryButton('使用照片的位置', () => {
      setPin(p, 'photo');
      status.textContent = '已使用照片的拍摄位置，请在地图上核对。';
    }));
  });

  const saveDraft = keepDraft(form, summary !== null);
  enhanceSubmit(form, saveDraft);
}
