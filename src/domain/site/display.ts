/**
 * 大字号/高对比度 (适老化) without JavaScript. Policy and law pages are prerendered and public pages
 * are micro-cached, so no page's HTML may depend on the visitor. Instead every page links
 * `/display.css` (src/pages/display.css.ts), which is the only response that reads the cookie:
 * the large-text rules when it says so, an empty stylesheet otherwise. `/display/?mode=…&back=…`
 * (src/pages/display/index.astro) sets or clears the cookie and goes back to the page.
 */
import { safeLocalPath } from '../../shared/safe-path.ts';

export const DISPLAY_COOKIE = 'gd_display';
export type DisplayMode = 'large' | 'standard';
/** One year: the choice is a lasting preference, not a session. */
export const DISPLAY_COOKIE_MAX_AGE = 365 * 24 * 60 * 60;

export function displayModeOf(cookieValue: string | undefined): DisplayMode {
  return cookieValue === 'large' ? 'large' : 'standard';
}

export function parseDisplayMode(value: string | null): DisplayMode | null {
  return value === 'large' || value === 'standard' ? value : null;
}

/**
 * Where to go back to after switching: a path on this site only (src/shared/safe-path.ts), never
 * the switch itself. Anything else goes to the home page.
 */
export function safeBackPath(raw: string | null | undefined): string {
  return safeLocalPath(raw, '/', { never: /^\/display(?:[/?#.]|$)/ });
}

/** The link that switches to `mode` and comes back to `back`. */
export function displaySwitchHref(mode: DisplayMode, back: string): string {
  return `/display/?${new URLSearchParams({ mode, back: safeBackPath(back) })}`;
}
