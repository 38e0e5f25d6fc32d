import { describe, expect, it } from 'vitest';
import { displayModeOf, displaySwitchHref, parseDisplayMode, safeBackPath } from '../../src/domain/site/display.ts';

describe('the display switch (大字号/高对比度)', () => {
  it('goes back to paths on this site, query and fragment included', () => {
    expect(safeBackPath('/policies/hejin-2023/')).toBe('/policies/hejin-2023/');
    expect(safeBackPath('/cases/?township=xishe&page=2')).toBe('/cases/?township=xishe&page=2');
    expect(safeBackPath('/law/non-grain/#section-2')).toBe('/law/non-grain/#section-2');
  });

  it('sends anything that could leave the site, or loop on the switch, to the home page', () => {
    for (const bad of [
      null, undefined, '', 'cases/', '//evil.example/', '/\\evil.example/', '\\\\evil.example', 'https://evil.example/',
      'javascript:alert(1)', '/\u0000/x', '/\t/evil.example', '/display/?mode=large', '/display.css', `/${'a'.repeat(2100)}`,
    ]) {
      expect(safeBackPath(bad), String(bad)).toBe('/');
    }
  });

  it('drops the Action of a form page re-rendered after a POST', () => {
    expect(safeBackPath('/report/?_action=report')).toBe('/report/');
    expect(safeBackPath('/staff/reports/5/?_action=staff.reply&x=1')).toBe('/staff/reports/5/?x=1');
  });

  it('reads only the two known modes', () => {
    expect(parseDisplayMode('large')).toBe('large');
    expect(parseDisplayMode('standard')).toBe('standard');
    expect(parseDisplayMode('LARGE')).toBeNull();
    expect(displayModeOf('large')).toBe('large');
    expect(displayModeOf(undefined)).toBe('standard');
    expect(displayModeOf('huge')).toBe('standard');
  });

  it('builds the switch link with the page to come back to', () => {
    expect(displaySwitchHref('large', '/cases/?township=xishe')).toBe('/display/?mode=large&back=%2Fcases%2F%3Ftownship%3Dxishe');
    expect(displaySwitchHref('standard', '//evil.example/')).toBe('/display/?mode=standard&back=%2F');
  });
});
