import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../src/domain/accounts/password-strength.ts';

/** Refused passwords: each with a word the reason must contain, so staff learn what to change. */
const REFUSED: ReadonlyArray<readonly [password: string, reason: RegExp, personal?: string[]]> = [
  ['Short-pw-1', /至少需要 12 位/],
  ['', /至少需要 12 位/],
  ['x'.repeat(201), /不能超过 200 位/],
  ['Password1234', /太容易被猜到：.*常用密码/],
  ['qwertyuiop12', /太容易被猜到/],
  ['woaini1314520', /太容易被猜到/],
  ['qq1234567890', /太容易被猜到/],
  ['1qaz2wsx3edc', /太容易被猜到/],
  ['aaaaaaaaaaaa', /太容易被猜到：.*重复/],
  ['abcdefghijkl', /太容易被猜到/],
  ['123456789012', /太容易被猜到/],
  ['zhang.wei2026!', /太容易被猜到：.*登录名/, ['zhang.wei', '张伟']],
  ['jishan123456', /太容易被猜到/],
  ['gengdishouhu1', /太容易被猜到/],
];

const ACCEPTED: readonly string[] = ['Field-check-2027', 'correct horse battery', 'Xk9#mQ2$vL7p', 'huashan lotus meadow', '我的菜园子在村东头西边第三块地'];

describe('staff passwords', () => {
  for (const [password, reason, personal] of REFUSED) {
    it(`refuses “${password.slice(0, 20)}” and says why in Chinese`, () => {
      expect(passwordProblem(password, personal)).toMatch(reason);
    });
  }
  for (const password of ACCEPTED) {
    it(`accepts “${password}”`, () => {
      expect(passwordProblem(password, ['zhang.wei', '张伟'])).toBeNull();
    });
  }
});
