/**
 * The hostile-input corpus shared by the fast tier (tests/hostile/fast.test.ts) and the long tier
 * (tests/hostile/*.test.ts). Every XSS payload, if it ever ran, would set `window.__pwned` or
 * call alert(), and every element it could inject carries `data-pwned`, so a test can tell
 * "markup got in but CSP stopped it" from "nothing got in".
 */
import type { LngLat } from '../../src/config/types.ts';
import { jurisdiction } from '../../src/config/jurisdiction.ts';
import { pointInPolygon, gcj02ToWgs84 } from '../../src/domain/places/geo.ts';

const PWN = 'window.__pwned=1';

/** Script injection in every shape we know of: tags, attributes, URLs, breakouts, templates. */
export const XSS: readonly string[] = [
  `<script>${PWN}</script>`,
  `<script data-pwned>alert(1)</script>`,
  `<img data-pwned src=x onerror="${PWN}">`,
  `<img data-pwned src=x onerror=alert(1)>`,
  `<svg data-pwned onload="${PWN}"></svg>`,
  `<svg><script data-pwned>${PWN}</script></svg>`,
  `"><img data-pwned src=x onerror="${PWN}">`,
  `'><img data-pwned src=x onerror='${PWN}'>`,
  `" autofocus onfocus="${PWN}" data-pwned="`,
  `' autofocus onfocus='${PWN}' data-pwned='`,
  `</textarea><img data-pwned src=x onerror="${PWN}">`,
  `</title><script data-pwned>${PWN}</script>`,
  `</script><script data-pwned>${PWN}</script>`,
  `</style><img data-pwned src=x onerror="${PWN}">`,
  `<iframe data-pwned srcdoc="<script>parent.__pwned=1</script>"></iframe>`,
  `<iframe data-pwned src="javascript:parent.__pwned=1"></iframe>`,
  `<a data-pwned href="javascript:${PWN}">点我</a>`,
  `javascript:${PWN}`,
  `JaVaScRiPt:alert(1)`,
  `data:text/html,<script>${PWN}</script>`,
  `<details data-pwned open ontoggle="${PWN}">x</details>`,
  `<input data-pwned autofocus onfocus="${PWN}">`,
  `<body data-pwned onload="${PWN}">`,
  `<object data-pwned data="javascript:${PWN}"></object>`,
  `<embed data-pwned src="javascript:${PWN}">`,
  `<math><mtext><table><mglyph><style><img data-pwned src=x onerror="${PWN}">`,
  `<noscript><p title="</noscript><img data-pwned src=x onerror=${PWN}>">`,
  `<base data-pwned href="https://evil.example/">`,
  `<meta data-pwned http-equiv="refresh" content="0;url=javascript:${PWN}">`,
  `<link data-pwned rel="stylesheet" href="https://evil.example/x.css">`,
  `<style data-pwned>*{background:url("javascript:${PWN}")}</style>`,
  `<div data-pwned style="background-image:url(javascript:${PWN})">x</div>`,
  `{{constructor.constructor('${PWN}')()}}`,
  `\${${PWN}}`,
  `<%= ${PWN} %>`,
  `&lt;script&gt;${PWN}&lt;/script&gt;`,
  `&#60;img data-pwned src=x onerror=${PWN}&#62;`,
  `\\u003cscript\\u003e${PWN}\\u003c/script\\u003e`,
  `%3Cscript%3E${PWN}%3C%2Fscript%3E`,
  `<scr<script>ipt data-pwned>${PWN}</scr</script>ipt>`,
  `<img data-pwned src=x onerror=&#x77;indow.__pwned=1>`,
  `<svg><a data-pwned xlink:href="javascript:${PWN}"><text y="20">x</text></a></svg>`,
  `[点我](javascript:${PWN})`,
  `<template data-pwned><img src=x onerror="${PWN}"></template>`,
  `<form data-pwned action="javascript:${PWN}"><button>提交</button></form>`,
  `<img data-pwned src=x onerror="${PWN}">举报内容：有人在耕地上建房，已经打了地基。`,
];

/** SQL metacharacters and classic injection strings (PostgreSQL and generic). */
export const SQL: readonly string[] = [
  `'`,
  `''`,
  `"`,
  `\\`,
  `\\'`,
  `%`,
  `_`,
  `%%_%`,
  `;`,
  `--`,
  `/*`,
  `' OR '1'='1`,
  `' OR 1=1--`,
  `" OR ""="`,
  `admin'--`,
  `') OR ('1'='1`,
  `1; DROP TABLE report; --`,
  `'; DELETE FROM report; --`,
  `'; UPDATE staff_user SET role='admin'; --`,
  `' UNION SELECT NULL,NULL,NULL--`,
  `' UNION SELECT login, password_hash FROM staff_user--`,
  `'||(SELECT version())||'`,
  `1' AND (SELECT pg_sleep(5)) IS NULL--`,
  `1;SELECT pg_sleep(5)`,
  `$$ ; SELECT 1; $$`,
  `$1`,
  `E'\\x27'`,
  `'; COPY report TO '/tmp/gd-pwned.csv'; --`,
  `1 AND 1=CAST((SELECT current_user) AS int)`,
  `'::text::int`,
  `' AND extractvalue(1,concat(0x7e,version()))--`,
  `1' ORDER BY 100--`,
  `\\x00' OR 1=1`,
];

/** Unicode edge cases: direction overrides, invisibles, surrogate halves, NUL, combining marks, astral. */
export const UNICODE: Readonly<Record<string, string>> = {
  'RTL override': '南里村北\u202Egpj.exe\u202C，麦地里有人建房子已经打了地基',
  'LTR embedding': '\u202A南里村北\u202C有人建房子打了地基，占地很大',
  'RTL isolate': '\u2067南里村北\u2069有人建房子打了地基，占地很大',
  'zero-width space': '南\u200B里\u200B村\u200B北，有人建房子打了地基，占地很大',
  'zero-width joiner only': '\u200D\u200D\u200D\u200D\u200D\u200D\u200D\u200D\u200D\u200D\u200D\u200D',
  'BOM': '\uFEFF南里村北，有人建房子打了地基，占地很大',
  'lone high surrogate': '南里村北\uD800，有人建房子打了地基，占地很大',
  'lone low surrogate': '南里村北\uDC00，有人建房子打了地基，占地很大',
  'reversed surrogate pair': '南里村北\uDC00\uD800，有人建房子打了地基',
  'NUL': '南里村北\u0000，有人建房子打了地基，占地很大',
  'only NUL': '\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000',
  'ESC sequence': '南里村北\u001B[31m红色\u001B[0m，有人建房子打了地基',
  'DEL': '南里村北\u007F，有人建房子打了地基，占地很大',
  'C1 CSI': '南里村北\u009B31m，有人建房子打了地基，占地很大',
  'NEL': '南里村北\u0085有人建房子打了地基，占地很大',
  'line separator': '南里村北\u2028有人建房子打了地基\u2029占地很大',
  'vertical tab and form feed': '南里村北\u000B\u000C有人建房子打了地基，占地很大',
  'combining marks': `南里村北${'a\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308'.repeat(8)}有人建房`,
  'zalgo tower': `地${'\u0336\u0337\u0338\u0335'.repeat(200)}基`,
  '4-byte emoji': '南里村北🏠🚜🌾，有人建房子打了地基，占地很大😡',
  'ZWJ family emoji': '👨‍👩‍👧‍👦在南里村北耕地上建房子打了地基',
  'flag emoji': '🇨🇳南里村北，有人建房子打了地基，占地很大',
  'full-width digits and latin': '南里村北１２３号ＡＢＣ，有人建房子打了地基',
  'ideographic spaces only': '\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000',
  'astral CJK ext-B': '𠀀𠀁𠀂𪚥𪚥𪚥南里村北有人建房子打了地基',
  'math alphanumerics': '𝐇𝐨𝐮𝐬𝐞 𝐨𝐧 𝐟𝐚𝐫𝐦𝐥𝐚𝐧𝐝 南里村北',
  'tag characters': '南里村北\u{E0041}\u{E0042}有人建房子打了地基，占地很大',
  'noncharacters': '南里村北\uFFFE\uFFFF有人建房子打了地基，占地很大',
  'max code point': '南里村北\u{10FFFF}有人建房子打了地基，占地很大',
  'replacement char': '南里村北\uFFFD\uFFFD有人建房子打了地基，占地很大',
  'variation selectors': '南︀里︁村︂北，有人建房子打了地基，占地很大',
  'homoglyph Cyrillic': 'АВСЕНКМОРТХ моderator 南里村北有人建房',
  'CRLF injection': '南里村北\r\nSet-Cookie: gd_session=evil\r\n\r\n有人建房',
  'only whitespace': ' \t\n \t\n      ',
  'Arabic-Indic digits': '٣٥٫٦٠١٢ 南里村北有人建房子打了地基',
};

/** Strings of growing length (characters); the limits are 50, 200, 2000 and 4000. */
export const LONG: Readonly<Record<string, string>> = {
  'exactly 200 CJK': '地'.repeat(200),
  '201 CJK': '地'.repeat(201),
  'exactly 2000 CJK': '耕'.repeat(2000),
  '2001 CJK': '耕'.repeat(2001),
  '2000 astral emoji (4000 UTF-16 units)': '🌾'.repeat(2000),
  '2001 astral emoji': '🌾'.repeat(2001),
  '10 000 characters': 'x'.repeat(10_000),
  '100 000 characters': '长'.repeat(100_000),
};

/** Coordinate strings that must be refused (or, for the last group, handled) without a 5xx. */
export const BAD_COORDINATES: readonly string[] = [
  'NaN', '-NaN', 'Infinity', '-Infinity', '1e309', '-1e309', '1e5', '3.56e1', '0x23', '35,6012', '３５.６０１２', '٣٥.٦',
  '35.6.1', '--35', '+35.6', '.5', '35.', '91', '-91', '90.00000000001', '181', '-181', '999.9', '35.60120000000000000001',
  'null', 'undefined', 'true', '[]', '{}', '35.6; DROP TABLE report', '<b>35.6</b>', '\u202E6.53', '35\u00006',
];

/** [lng, lat] points a little outside the county's boundary (each edge's midpoint pushed outward). */
export function justOutsideBoundary(offset = 0.0005): LngLat[] {
  const ring = jurisdiction.map.boundary;
  const points: LngLat[] = [];
  // Vertices pushed away from the centroid, and edge midpoints pushed outward along the normal.
  const cx = ring.reduce((s, p) => s + p[0], 0) / ring.length;
  const cy = ring.reduce((s, p) => s + p[1], 0) / ring.length;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    const mx = (x1 + x2) / 2;
    const my = (y1 + y2) / 2;
    let nx = y2 - y1;
    let ny = -(x2 - x1);
    const len = Math.hypot(nx, ny);
    nx /= len;
    ny /= len;
    // Pick the normal that points away from the centroid.
    if ((mx - cx) * nx + (my - cy) * ny < 0) {
      nx = -nx;
      ny = -ny;
    }
    points.push([mx + nx * offset, my + ny * offset]);
    const vx = x1 - cx;
    const vy = y1 - cy;
    const vl = Math.hypot(vx, vy);
    points.push([x1 + (vx / vl) * offset * 2, y1 + (vy / vl) * offset * 2]);
  }
  return points.filter((p) => !pointInPolygon(p, ring));
}

/** Of those, the points that stay outside when read as GCJ-02 and corrected to WGS-84. */
export function outsideEvenAsGcj02(points: LngLat[]): LngLat[] {
  return points.filter((p) => !pointInPolygon(gcj02ToWgs84(p), jurisdiction.map.boundary));
}

/** The long tier (npm run test:hostile) sends everything; the fast tier an evenly spread sample. */
export const FULL = process.env.GD_HOSTILE_FULL === '1';

export function sample<T>(list: readonly T[], n: number): T[] {
  if (FULL || list.length <= n) return [...list];
  const step = list.length / n;
  return Array.from({ length: n }, (_, i) => list[Math.floor(i * step)]!);
}

/** Receipt codes that are wrong in every way; /track/ answers each with 400, 404 or 429. */
export const BAD_RECEIPT_CODES: readonly string[] = [
  '', ' ', '\t\n', '0', '0000-0000-0000-0000-00', 'ABCD-EFGH-JKMN-PQRS-T', 'ABCD-EFGH-JKMN-PQRS-TVW',
  'abcd-efgh-jkmn-pqrs-tv', 'OOOO-IIII-LLLL-UUUU-00', 'ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮ－ＰＱＲＳ－ＴＶ', 'АВСD-EFGH-JKMN-PQRS-TV',
  '\u0000'.repeat(18), 'ABCD\u200BEFGH\u200BJKMN\u200BPQRS\u200BTV', 'ABCD\u202EEFGH-JKMN-PQRS-TV', '🌾'.repeat(18),
  'X'.repeat(64), 'X'.repeat(10_000), '%00', '../../etc/passwd', '${7*7}', '{{7*7}}',
];

/**
 * Tricks that make a browser leave the site when a redirect's Location is built from a parameter.
 * Each must land on a local page, for every parameter that takes a path.
 */
export const OPEN_REDIRECT_TRICKS: readonly string[] = [
  '//evil.example',
  '//evil.example/staff/',
  '/\\evil.example',
  '\\/evil.example',
  '\\\\evil.example',
  '%2F%2Fevil.example',
  '/%2F/evil.example',
  '/%2f%2fevil.example',
  '/%5Cevil.example',
  '/.//evil.example',
  '/./%2F/evil.example',
  '/staff/..//evil.example',
  '/staff/../..//evil.example',
  'https:evil.example',
  'https://evil.example/',
  'HtTpS://evil.example/',
  'http:/evil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '/ /evil.example',
  '\t//evil.example',
  ' //evil.example',
  '//user:pass@evil.example',
  '/@evil.example',
  '//evil.example@localhost',
  '//ｅｖｉｌ.example',
  '//xn--e1afmkfd.example',
  '//例子.测试',
  '/\u0000//evil.example',
  '/\u2028//evil.example',
  `/${'a'.repeat(2100)}`,
  '',
];
