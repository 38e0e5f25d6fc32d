import { describe, expect, it } from 'vitest';
import { fieldMessagesOf, formErrorsOf, GENERIC_INPUT_ERROR, GENERIC_SYSTEM_ERROR } from '../../src/shared/form-errors.ts';
import { buildFormErrors, CHOOSE_PHOTOS_AGAIN, REPORT_FIELD_HREFS } from '../../src/domain/reports/report-form-view.ts';

const HREFS = { login: '#login', password: '#password', _form: '#login' };

describe('the one form-error adapter', () => {
  it('links each refused field to its input, in the order the page asks, one line per field', () => {
    const summary = formErrorsOf([{ message: 'x', fields: { password: ['请填写密码', '密码太短'], login: ['请填写账号'] } }], HREFS);
    expect(summary).toEqual([
      { field: 'login', href: '#login', message: '请填写账号' },
      { field: 'password', href: '#password', message: '请填写密码' },
    ]);
    expect(fieldMessagesOf(summary)).toEqual({ login: '请填写账号', password: '请填写密码' });
  });

  it('never shows a library’s English: a field’s message becomes the input error, a failure’s the system error', () => {
    expect(formErrorsOf([{ message: 'x', fields: { login: ['Invalid input'] } }], HREFS)).toEqual([{ field: 'login', href: '#login', message: GENERIC_INPUT_ERROR }]);
    expect(formErrorsOf([{ message: 'invalid input syntax for type date' }], HREFS)).toEqual([{ href: '#login', message: GENERIC_SYSTEM_ERROR }]);
    expect(formErrorsOf([{ message: 'x', fields: {} }])).toEqual([{ message: GENERIC_INPUT_ERROR }]);
  });

  it('keeps a failure that names no field in its own words, pointing where the page says', () => {
    expect(formErrorsOf([{ message: '账号或密码不对' }], HREFS)).toEqual([{ href: '#login', message: '账号或密码不对' }]);
    expect(formErrorsOf([{ message: '账号或密码不对' }])).toEqual([{ href: undefined, message: '账号或密码不对' }]);
  });

  it('shows a field the page has no place for unlinked, after the page’s fields, and says a shared reason once', () => {
    const summary = formErrorsOf([{ message: 'x', fields: { form_token: ['表单已过期'], nonce: ['表单已过期'], login: ['请填写账号'] } }], HREFS);
    expect(summary).toEqual([{ field: 'login', href: '#login', message: '请填写账号' }, { message: '表单已过期' }]);
    expect(fieldMessagesOf(summary)).toEqual({ login: '请填写账号' });
  });

  it('summarises several Actions’ failures and skips the ones that did not fail', () => {
    expect(formErrorsOf([undefined, { message: '已被他人处理' }, undefined, { message: 'x', fields: { login: ['请填写账号'] } }], HREFS)).toEqual([
      { field: 'login', href: '#login', message: '请填写账号' },
      { href: '#login', message: '已被他人处理' },
    ]);
  });
});

describe('the report form’s errors', () => {
  it('asks to choose photos again after a reload unless the photos themselves were refused', () => {
    const { summary, byField } = buildFormErrors({ message: 'x', fields: { seen_on: ['日期不对'] } });
    expect(byField).toEqual({ seen_on: '日期不对' });
    expect(summary).toEqual([
      { field: 'seen_on', href: REPORT_FIELD_HREFS.seen_on, message: '日期不对' },
      { href: '#photos', message: CHOOSE_PHOTOS_AGAIN },
    ]);
    expect(buildFormErrors({ message: 'x', fields: { photos: ['照片太大'] } }).summary.map((e) => e.message)).toEqual(['照片太大']);
    expect(buildFormErrors(undefined)).toEqual({ summary: [], byField: {} });
  });

  it('points the problem type’s message at its first choice', () => {
    expect(buildFormErrors({ message: 'x', fields: { problem_class: ['请选择问题类型'] } }).summary[0]).toEqual({ field: 'problem_class', href: '#problem_class-house', message: '请选择问题类型' });
  });
});
