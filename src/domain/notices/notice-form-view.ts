/**
 * What the notice drafting form shows after a failed save: everything the member of staff typed
 * (read back from the posted form, never from the stored draft), each error beside its field and
 * linked from the summary, and which chosen photos must be chosen again.
 */
import type { EnforcementStep } from '../../server/database.ts';

export interface NoticeFormValues {
  noticeId?: string;
  sourceReportId?: string;
  title?: string;
  township?: string;
  village?: string | null;
  problemClass?: string;
  partyKind?: string;
  partyName?: string;
  totalAreaMu?: string;
  farmlandAreaMu?: string;
  steps?: EnforcementStep[];
  outcome?: string;
  accountability?: string;
  body?: string;
  /** The report photos ticked to show as "before"; all of them when not given. */
  beforePhotoIds?: string[];
}

/** Field → the link to its input in NoticeForm, in the order the form shows them (the error summary's links). */
export const NOTICE_FIELD_HREFS: Readonly<Record<string, string>> = {
  title: '#n-title',
  township: '#n-township',
  village: '#n-village',
  problemClass: '#n-class',
  partyKind: '#n-kind-person',
  partyName: '#n-party',
  totalAreaMu: '#n-total',
  farmlandAreaMu: '#n-farm',
  stepDate: '#n-step-date-0',
  stepAction: '#n-step-action-0',
  outcome: '#n-outcome',
  accountability: '#n-acc',
  body: '#n-body',
  afterPhotos: '#n-after',
};

/** The values a posted drafting form carried, for showing it again as it was sent. */
export function noticeValuesFromPost(form: FormData): { values: NoticeFormValues; afterPhotoNames: string[] } {
  const one = (name: string) => (typeof form.get(name) === 'string' ? (form.get(name) as string) : undefined);
  const all = (name: string) => form.getAll(name).filter((v): v is string => typeof v === 'string');
  const [dates, actions, details] = [all('stepDate'), all('stepAction'), all('stepDetail')];
  const steps = dates.map((date, i) => ({ date, action: actions[i] ?? '', detail: details[i] ?? '' })).filter((s) => s.date || s.action || s.detail);
  const values: NoticeFormValues = {
    noticeId: one('noticeId'),
    sourceReportId: one('sourceReportId'),
    title: one('title'),
    township: one('township'),
    village: one('village'),
    problemClass: one('problemClass'),
    partyKind: one('partyKind') ?? '',
    partyName: one('partyName'),
    totalAreaMu: one('totalAreaMu'),
    farmlandAreaMu: one('farmlandAreaMu'),
    steps,
    outcome: one('outcome'),
    accountability: one('accountability'),
    body: one('body'),
    beforePhotoIds: all('beforePhotoIds'),
  };
  const afterPhotoNames = form.getAll('afterPhotos').flatMap((f) => (typeof f !== 'string' && f.size > 0 ? [f.name || '未命名照片'] : []));
  return { values, afterPhotoNames };
}

/** The words that tell which photos were not kept (browsers never refill a file field). */
export function photosToChooseAgain(names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  return `草稿没有保存，选好的 ${names.length} 张整改后照片（${names.join('、')}）也没有上传，请重新选择`;
}

