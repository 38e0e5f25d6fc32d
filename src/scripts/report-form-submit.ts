/**
 * The report form's submit: posted with XMLHttpRequest for upload progress, one request at a
 * time, and a failure shown as the server shows it (error summary, messages beside the fields).
 */
import { buildFormErrors, CHOOSE_PHOTOS_AGAIN, FORM_EXPIRED_MESSAGE, REPORT_FIELD_HREFS } from '../domain/reports/report-form-view.ts';
import { clearDraft } from './report-form-draft.ts';

interface SubmitResponse {
  ok: boolean;
  next?: string;
  message?: string;
  fields?: Record<string, string[]>;
}

/** Posts with XMLHttpRequest for upload progress; one request at a time, same body on retry. */
export function enhanceSubmit(form: HTMLFormElement, saveDraft: () => void): void {
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
        clearDraft();
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
