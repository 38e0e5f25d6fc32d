import { describe, expect, it } from 'vitest';
import { CROSS_SITE_MESSAGE, crossSiteRefusal, isCrossSiteSubmission } from '../../src/server/origin-check.ts';

const SITE = 'https://gengdi.example.gov.cn';

/** [method, content type, Origin, refused?] — the same decisions Astro's checkOrigin made. */
const CASES: Array<[string, string | null, string | null, boolean]> = [
  ['GET', null, null, false],
  ['HEAD', null, 'https://evil.example', false],
  ['OPTIONS', null, 'https://evil.example', false],
  ['POST', 'multipart/form-data; boundary=x', SITE, false],
  ['POST', 'multipart/form-data; boundary=x', null, true],
  ['POST', 'multipart/form-data; boundary=x', 'https://evil.example', true],
  ['POST', 'Multipart/Form-Data; boundary=x', 'null', true],
  ['POST', 'application/x-www-form-urlencoded', `${SITE}.evil.example`, true],
  ['POST', 'text/plain;charset=UTF-8', 'http://gengdi.example.gov.cn', true],
  ['post', 'application/x-www-form-urlencoded', 'https://evil.example', true],
  ['POST', null, null, true],
  ['DELETE', null, 'https://evil.example', true],
  ['PUT', null, SITE, false],
  // A browser preflights JSON from another site, and this site answers no preflight.
  ['POST', 'application/json', 'https://evil.example', false],
  ['POST', 'application/json', null, false],
];

describe('the origin check', () => {
  for (const [method, type, origin, refused] of CASES) {
    it(`${refused ? 'refuses' : 'lets through'} ${method} ${type ?? 'without a body type'} from ${origin ?? 'no Origin'}`, () => {
      expect(isCrossSiteSubmission(method, type, origin, SITE)).toBe(refused);
    });
  }
});

describe('the refusal', () => {
  it('is a page in Chinese for a browser and the same words as JSON for a script, never cached', async () => {
    const page = crossSiteRefusal('text/html');
    expect(page.status).toBe(403);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain(CROSS_SITE_MESSAGE);
    const json = crossSiteRefusal('application/json');
    expect(json.status).toBe(403);
    expect(await json.json()).toEqual({ ok: false, code: 'FORBIDDEN', message: CROSS_SITE_MESSAGE });
  });
});
