/** The report form's draft: typed text kept in this browser until the report is accepted. */
import { secondaryButton } from './secondary-button.ts';

const DRAFT_KEY = 'gengdi-report-draft';
const DRAFT_FIELDS = ['problem_class', 'township', 'village', 'place', 'lat', 'lng', 'coord_system', 'seen_on', 'description', 'name', 'phone'];

/**
 * Keeps typed text in this browser until the report is accepted (photos are never kept). Returns
 * a function that saves the draft at once, for the moment of submitting.
 */
export function keepDraft(form: HTMLFormElement, cameBackWithErrors: boolean): () => void {
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
      note.replaceChildren('已恢复您上次没有提交的内容（照片需要重新选择）。', secondaryButton('清除', () => {
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

/** Forgets the draft once the report is accepted. */
export function clearDraft(): void {
  try {
    localStorage.removeItem(DRAFT_KEY);
  } catch {
    /* storage unavailable */
  }
}
