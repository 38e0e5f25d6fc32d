/**
 * What the new-notice and the edit page show after a failed save: the form as it was sent (the
 * Action read a copy of the body), each field's message beside it, and the summary, with the
 * after-photos to choose again among its lines.
 */
import type { FormError } from '../../components/ErrorSummary.astro';
import { fieldMessagesOf, formErrorsOf, type FailedSubmission } from '../../shared/form-errors.ts';
import { NOTICE_FIELD_HREFS, noticeValuesFromPost, photosToChooseAgain, type NoticeFormValues } from './notice-form-view.ts';

export interface NoticeSaveFailure {
  /** The values as posted; null when the save did not fail (or its body cannot be read). */
  posted: NoticeFormValues | null;
  byField: Record<string, string>;
  summary: FormError[];
}

/**
 * @param others the page's other Actions' errors, summarised with the save's
 * @param hrefs  their fields' links, beside the form's own
 */
export async function readNoticeSaveFailure(request: Request, saveError: FailedSubmission | undefined, others: readonly (FailedSubmission | undefined)[] = [], hrefs: Readonly<Record<string, string>> = {}): Promise<NoticeSaveFailure> {
  const posted = saveError ? await request.formData().then(noticeValuesFromPost, () => null) : null;
  const byField = fieldMessagesOf(formErrorsOf([saveError], NOTICE_FIELD_HREFS));
  const again = photosToChooseAgain(posted?.afterPhotoNames ?? []);
  if (again && !byField.afterPhotos) byField.afterPhotos = again;
  const summary = formErrorsOf([saveError, ...others], { ...NOTICE_FIELD_HREFS, ...hrefs });
  if (byField.afterPhotos && !summary.some((e) => e.message === byField.afterPhotos)) summary.push({ href: NOTICE_FIELD_HREFS.afterPhotos, message: byField.afterPhotos });
  return { posted: posted?.values ?? null, byField, summary };
}
