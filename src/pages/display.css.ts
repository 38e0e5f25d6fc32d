/**
 * The per-visitor part of the site's styles (see src/domain/site/display.ts): the large-text, high-contrast
 * rules when the gd_display cookie asks for them, an empty stylesheet otherwise. Never in a shared
 * cache (private, Vary: Cookie); browsers revalidate it on each page (no-cache) and get a 304
 * while the choice is unchanged.
 */
import type { APIRoute } from 'astro';
import { createHash } from 'node:crypto';
import largeCss from '../styles/display-large.css?raw';
import { DISPLAY_COOKIE, displayModeOf } from '../domain/site/display.ts';

export const prerender = false;

const BODIES = { large: largeCss, standard: '/* 标准显示 */\n' } as const;
const ETAGS = Object.fromEntries(
  Object.entries(BODIES).map(([mode, body]) => [mode, `"${mode}-${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`]),
) as Record<keyof typeof BODIES, string>;

export const GET: APIRoute = ({ cookies, request }) => {
  const mode = displayModeOf(cookies.get(DISPLAY_COOKIE)?.value);
  const headers = {
    'Content-Type': 'text/css; charset=utf-8',
    'Cache-Control': 'private, no-cache',
    Vary: 'Cookie',
    ETag: ETAGS[mode],
  };
  const ifNoneMatch = request.headers.get('if-none-match');
  if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === ETAGS[mode])) return new Response(null, { status: 304, headers });
  return new Response(BODIES[mode], { status: 200, headers });
};
