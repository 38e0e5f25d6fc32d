import { describe, expect, it } from 'vitest';
import { safeBackPath } from '../../src/domain/site/display.ts';
import { safeLocalPath } from '../../src/shared/safe-path.ts';
import { safeStaffPath } from '../../src/domain/accounts/account-schema.ts';
import { OPEN_REDIRECT_TRICKS } from '../hostile/corpus.ts';

/** Where an attacker must never get: another host, or anything a browser would run. */
function leavesSite(location: string): boolean {
  const url = new URL(location, 'http://portal.invalid');
  return url.origin !== 'http://portal.invalid' || !location.startsWith('/') || location.startsWith('//') || location.includes('\\');
}

describe('every back/next parameter goes through one same-origin check', () => {
  it('has a corpus of at least 25 tricks', () => expect(OPEN_REDIRECT_TRICKS.length).toBeGreaterThanOrEqual(25));

  for (const trick of OPEN_REDIRECT_TRICKS) {
    it(`lands on a local page for ${JSON.stringify(trick.slice(0, 40))}`, () => {
      for (const [name, path] of [['display back', safeBackPath(trick)], ['staff next', safeStaffPath(trick)], ['plain', safeLocalPath(trick, '/')]] as const) {
        expect(leavesSite(path), `${name}: ${path}`).toBe(false);
      }
      // Only a harmless local path survives (`/@evil.example` is a page of this site).
      if (!trick.startsWith('/@')) {
        expect(safeBackPath(trick)).toBe('/');
        expect(safeStaffPath(trick)).toBe('/staff/');
      }
    });
  }

  it('keeps real local destinations', () => {
    expect(safeBackPath('/cases/?township=xishe#top')).toBe('/cases/?township=xishe#top');
    expect(safeStaffPath('/staff/reports/12/?tab=notes')).toBe('/staff/reports/12/?tab=notes');
    expect(safeStaffPath('/policies/')).toBe('/staff/');
    expect(safeStaffPath('/staff/../policies/')).toBe('/staff/');
  });
});
