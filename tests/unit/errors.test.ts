import { describe, expect, it } from 'vitest';
import { ForbiddenError, InputError, NotFoundError, SUBJECTS } from '../../src/shared/errors.ts';

describe('the errors a service throws', () => {
  it('names what was not found in Chinese, whatever it is', () => {
    for (const subject of Object.keys(SUBJECTS) as Array<keyof typeof SUBJECTS>) {
      const err = new NotFoundError(subject);
      expect(err.message).toBe(`没有找到${SUBJECTS[subject]}`);
      expect(err.subject).toBe(subject);
    }
    // A missing notice no longer reads as a missing report.
    expect(new NotFoundError('notice').message).toBe('没有找到这份案例通报');
  });

  it('keeps every problem of an input for the error summary, and a refusal in its own words', () => {
    expect(new InputError(['请填写正文', '请选择乡镇'])).toMatchObject({ problems: ['请填写正文', '请选择乡镇'], message: '请填写正文；请选择乡镇' });
    expect(new ForbiddenError().message).toBe('您无权进行这项操作');
    expect(new ForbiddenError('只有台账管理员可以进行这项操作').message).toBe('只有台账管理员可以进行这项操作');
  });
});
