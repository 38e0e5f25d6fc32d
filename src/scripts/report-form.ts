/**
 * Progressive enhancement of the report form. Without it the form is complete (selects, place,
 * optional coordinates, plain POST). With it: a Leaflet map to drop a pin, "use my location",
 * township/village pre-filled from the pin, a GCJ-02 hint, the photo's GPS offered as location,
 * a draft kept in this browser, and a submit with upload progress that never double-posts.
 */
import L from 'leaflet';
import type { LngLat } from '../config/types.ts';
import { detectGcj02Offset, pointInPolygon } from '../lib/geo.ts';
import { locatePoint, type LocatableTownship } from '../lib/locate.ts';
import { buildFormErrors, CHOOSE_PHOTOS_AGAIN, FORM_EXPIRED_MESSAGE, REPORT_FIELD_HREFS } from '../lib/report-form-view.ts';
import { createBaseMap, markerIcon, type BaseMapConfig } from './staff-map.ts';

interface MapConfig extends BaseMapConfig {
  approximate: boolean;
  townships: LocatableTownship[];
}

/** The zoom at which a pin from the phone's position or a photo shows its surroundings. */
const CLOSE_ZOOM = 15;

const DRAFT_KEY = 'gengdi-report-draft';
const DRAFT_FIELDS = ['problem_class', 'township', 'village', 'place', 'lat', 'lng', 'coord_system', 'seen_on', 'description', 'name', 'phone'];

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
    const fix = button('按高德、微信坐标纠正', () => {
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
    status.replaceChildren('照片带有位置，使用它？', button('使用照片的位置', () => {
      setPin(p, 'photo');
      status.textContent = '已使用照片的拍摄位置，请在地图上核对。';
    }));
  });

  const saveDraft = keepDraft(form, summary !== null);
  enhanceSubmit(form, saveDraft);
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'button-secondary';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

/** Shows only the chosen township's villages. */
function filterVillages(township: HTMLSelectElement, village: HTMLSelectElement): void {
  for (const group of village.querySelectorAll<HTMLOptGroupElement>('optgroup')) {
    const match = !township.value || group.dataset.township === township.value;
    group.hidden = !match;
    group.disabled = !match;
  }
  if (village.selectedOptions[0]?.parentElement instanceof HTMLOptGroupElement && village.selectedOptions[0].parentElement.disabled) {
    village.value = '';
  }
}

interface LocationFields {
  lat: HTMLInputElement;
  lng: HTMLInputElement;
  township: HTMLSelectElement;
  village: HTMLSelectElement;
  source: HTMLInputElement;
}

/** Where a pin comes from: a tap or drag on the map, the phone's position, a photo, or typed coordinates. */
type PinSource = 'map' | 'device' | 'photo' | 'manual';

interface MapPins {
  place: (p: LngLat, from: PinSource) => void;
  /** Marks where a chosen photo was taken, without moving the pin. */
  showPhoto: (p: LngLat) => void;
}

function setUpMap(el: HTMLElement, config: MapConfig, form: HTMLFormElement, f: LocationFields): MapPins {
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
function setUpPhotoLocation(form: HTMLFormElement, found: (p: LngLat) => void): void {
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

/**
 * Keeps typed text in this browser until the report is accepted (photos are never kept). Returns
 * a function that saves the draft at once, for the moment of submitting.
 */
function keepDraft(form: HTMLFormElement, cameBackWithErrors: boolean): () => void {
  const note = form.querySelector<HTMLElement>('[data-draft-note]')!;
  let storage: Storage | null = null;
  try {
    storage = window.localStorage;
  } catch {
    return () => {};
  }
  const saved = storage.getItem(DRAFT_KEY);
  const formIsEmpty = DRAFT_FIELDS.every((name) => {
    const el = form.elements.namedItem(name);
    return !el || (el instanceof RadioNodeList ? el.value === '' || name === 'coord_system' : (el as HTMLInputElement).value === '');
  });
  if (saved && !cameBackWithErrors && formIsEmpty) {
    try {
      const draft = JSON.parse(saved) as Record<string, string>;
      for (const [name, value] of Object.entries(draft)) {
        const el = form.elements.namedItem(name);
        if (el instanceof RadioNodeList) {
          for (const r of el) if (r instanceof HTMLInputElement) r.checked = r.value === value;
        } else if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) {
          el.value = value;
          el.dispatchEvent(new Event('change', { bubbles: true }));
        }
      }
      note.replaceChildren('已恢复您上次没有提交的内容（照片需要重新选择）。', button('清除', () => {
        storage!.removeItem(DRAFT_KEY);
        form.reset();
        note.textContent = '已清除。';
      }));
    } catch {
      storage.removeItem(DRAFT_KEY);
    }
  }
  let timer: number | undefined;
  const save = () => {
    clearTimeout(timer);
    const data: Record<string, string> = {};
    for (const name of DRAFT_FIELDS) {
      const el = form.elements.namedItem(name);
      const value = el instanceof RadioNodeList ? el.value : (el as HTMLInputElement | null)?.value;
      if (value) data[name] = value;
    }
    try {
      storage!.setItem(DRAFT_KEY, JSON.stringify(data));
    } catch {
      /* storage full or blocked: the form itself still holds the text */
    }
  };
  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(save, 400);
  });
  return save;
}

interface SubmitResponse {
  ok: boolean;
  next?: string;
  message?: string;
  fields?: Record<string, string[]>;
}

/** Posts with XMLHttpRequest for upload progress; one request at a time, same body on retry. */
function enhanceSubmit(form: HTMLFormElement, saveDraft: () => void): void {
  const submit = form.querySelector<HTMLButtonElement>('[data-submit]')!;
  const progress = form.querySelector<HTMLProgressElement>('[data-progress]')!;
  const progressStatus = form.querySelector<HTMLElement>('[data-progress-status]')!;
  let inFlight = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (inFlight) return;
    inFlight = true;
    // Text typed in the last moment before submitting is kept too, should the submit fail.
    saveDraft();
    submit.disabled = true;
    submit.textContent = '正在提交…';
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.timeout = 120_000;
    xhr.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable) return;
      const pct = Math.round((e.loaded / e.total) * 100);
      progress.value = pct;
      progressStatus.textContent = `已上传 ${pct}%`;
    });
    const done = () => {
      inFlight = false;
      submit.disabled = false;
      submit.textContent = '提交举报';
    };
    xhr.addEventListener('load', () => {
      let body: SubmitResponse | null = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (body?.ok && body.next) {
        try {
          localStorage.removeItem(DRAFT_KEY);
        } catch {
          /* storage unavailable */
        }
        window.location.assign(body.next);
        return;
      }
      done();
      // A page left open too long carries a stale token; without a fresh one every retry would fail the same way.
      if (body?.message === FORM_EXPIRED_MESSAGE) void refreshFormToken(form);
      // The answer lists fields ({} for a refusal that names none, like a full rate limit): only a list that names some is an input error.
      const fields = body?.fields && Object.keys(body.fields).length > 0 ? body.fields : undefined;
      showErrors(form, body?.message ?? (xhr.status >= 500 ? '系统暂时无法保存举报，您的举报还没有提交。填写的内容已保存在本机，请过几分钟再提交。' : '提交没有成功，请稍后再试。'), fields);
    });
    const failed = (message: string) => () => {
      done();
      showErrors(form, message);
    };
    xhr.addEventListener('error', failed('网络连接中断，举报还没有提交。填写的内容已保存在本机，请检查网络后再点“提交举报”。'));
    xhr.addEventListener('timeout', failed('网络太慢，举报可能还没有提交。请再点一次“提交举报”，不会重复提交。'));
    xhr.send(new FormData(form));
  });
}

/** Replaces the form's signed token with a fresh one from a new copy of the page. */
async function refreshFormToken(form: HTMLFormElement): Promise<void> {
  try {
    const res = await fetch(window.location.pathname, { credentials: 'same-origin', cache: 'no-store' });
    const fresh = new DOMParser().parseFromString(await res.text(), 'text/html').querySelector<HTMLInputElement>('input[name="form_token"]')?.value;
    const field = form.querySelector<HTMLInputElement>('input[name="form_token"]');
    if (fresh && field) field.value = fresh;
  } catch {
    /* offline: the citizen can still reload the page, and the draft comes back */
  }
}

/** Renders the same error summary and field messages, in the same places, as the server does. */
function showErrors(form: HTMLFormElement, message: string, fields?: Record<string, string[]>): void {
  for (const el of form.querySelectorAll('.error-message, [data-client-error]')) el.remove();
  for (const el of form.querySelectorAll('.field-error')) el.classList.remove('field-error');
  // Drop references to the error messages just removed.
  for (const el of form.querySelectorAll<HTMLElement>('[aria-describedby]')) {
    const kept = el.getAttribute('aria-describedby')!.split(/\s+/).filter((id) => id && !id.endsWith('-error'));
    if (kept.length > 0) el.setAttribute('aria-describedby', kept.join(' '));
    else el.removeAttribute('aria-describedby');
  }
  document.getElementById('error-summary')?.remove();
  const { summary, byField } = buildFormErrors({ message, fields });
  const box = document.createElement('div');
  box.className = 'error-summary';
  box.id = 'error-summary';
  box.tabIndex = -1;
  box.setAttribute('role', 'alert');
  box.setAttribute('aria-labelledby', 'error-summary-title');
  const h = document.createElement('h2');
  h.id = 'error-summary-title';
  h.textContent = '提交没有成功，请修改以下问题';
  const list = document.createElement('ul');
  // This page still holds the chosen photos: the note about choosing them again is for a reload only.
  for (const item of summary.filter((s) => s.message !== CHOOSE_PHOTOS_AGAIN)) {
    const li = document.createElement('li');
    if (item.href) {
      const a = document.createElement('a');
      a.href = item.href;
      a.textContent = item.message;
      li.append(a);
    } else li.textContent = item.message;
    list.append(li);
  }
  box.append(h, list);
  // At the top of the page, right under its heading, as the server renders it.
  const heading = document.querySelector('main h1');
  if (heading) heading.after(box);
  else form.before(box);
  for (const [field, text] of Object.entries(byField)) {
    const target = document.querySelector(REPORT_FIELD_HREFS[field]!);
    // The radio group's message belongs to its fieldset, not to its first choice.
    const holder = field === 'problem_class' ? target?.closest('fieldset') : target?.closest('.field, .question, .choice');
    if (!target || !holder) continue;
    holder.classList.add('field-error');
    const msg = document.createElement('span');
    msg.className = 'error-message';
    msg.id = `${field}-error`;
    const hidden = document.createElement('span');
    hidden.className = 'visually-hidden';
    hidden.textContent = '错误：';
    msg.append(hidden, text);
    const anchor = field === 'problem_class' ? holder.querySelector('.choices') : holder.querySelector('input, select, textarea, .choices');
    (anchor ?? target).before(msg);
    const described = field === 'problem_class' ? holder : target;
    const ids = (described.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    described.setAttribute('aria-describedby', [...ids, msg.id].join(' '));
  }
  box.focus();
}
