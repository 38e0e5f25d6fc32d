/**
 * The one same-origin check for every back/next/return parameter (display switch, staff sign-in).
 * A redirect to such a parameter must land on a page of this site, whatever a link-maker put in it:
 * browsers read `//host`, `/\host`, `\/host` and `/./%2F/host`-style paths as other hosts, strip
 * tabs and newlines, and accept schemes in any case. So the value must be a plain local path
 * before and after URL normalisation, or the fallback is used.
 */

const PLACEHOLDER_ORIGIN = 'http://same-site.invalid';
const MAX_LENGTH = 2000;

export interface SafePathOptions {
  /** The path must start with this (e.g. `/staff/`). */
  under?: string;
  /** Paths that are never a destination (e.g. the switch page itself). */
  never?: RegExp;
}

/** A path on this site, or null. */
function localPathOf(raw: string): string | null {
  // Backslashes and control or space characters: browsers rewrite or drop them, so what they
  // follow is not what was checked.
  if (!raw.startsWith('/') || /[\\\s\u0000-\u001f\u007f]/.test(raw)) return null;
  if (raw.startsWith('//')) return null;
  let url: URL;
  try {
    url = new URL(raw, PLACEHOLDER_ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return null;
  // A form page re-rendered after a POST carries the action in its address; going back is a GET.
  url.searchParams.delete('_action');
  const path = url.pathname + url.search + url.hash;
  // Normalising can make a host out of a path (/.//evil.example → //evil.example).
  if (path.startsWith('//') || /%2f|%5c/i.test(url.pathname.slice(0, 4))) return null;
  return path;
}

/** `raw` if it is a path on this site (after the options' rules), else `fallback`. */
export function safeLocalPath(raw: string | null | undefined, fallback: string, options: SafePathOptions = {}): string {
  if (!raw || raw.length > MAX_LENGTH) return fallback;
  const path = localPathOf(raw);
  if (!path) return fallback;
  if (options.under && !path.startsWith(options.under)) return fallback;
  if (options.never?.test(path)) return fallback;
  return path;
}
