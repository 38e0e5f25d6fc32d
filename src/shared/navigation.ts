/**
 * The two navigations, the public site's and the staff area's: their entries are data, in
 * ./navigation.json (address → what the link says, in order). The staff entries are checked by
 * the compiler against the staff routes of the permission table; each is shown to whoever may
 * open it (permissions.ts canOpen).
 */
import navigation from './navigation.json' with { type: 'json' };
import type { StaffRoute } from './permissions.ts';

export interface NavLink<Href extends string = string> {
  readonly href: Href;
  readonly label: string;
}

function linksOf<Href extends string>(entries: Readonly<Record<Href, string>>): readonly NavLink<Href>[] {
  return (Object.keys(entries) as Href[]).map((href) => ({ href, label: entries[href] }));
}

/** The public site's header, after which the header adds its 我要举报 button. */
export const PUBLIC_NAV: readonly NavLink[] = linksOf(navigation.public);

/** The staff area's header, in order; a key that is not a staff route fails to compile here. */
export const STAFF_NAV: readonly NavLink<StaffRoute>[] = linksOf(navigation.staff);

/**
 * Whether `link` is the page being read or its section, for `aria-current`: the first entry of a
 * navigation (its home) only on itself, any other on every page below it.
 */
export function isCurrentLink(links: readonly NavLink[], link: NavLink, path: string): boolean {
  return link.href === links[0]?.href ? path === link.href : path.startsWith(link.href);
}
