/**
 * Staff pages call this in their first lines: no session → sign-in page (coming back afterwards);
 * wrong role → 403 page. It returns the user or the Response to return.
 */
import type { AstroGlobal } from 'astro';
import type { StaffUser } from './auth.ts';
import type { StaffRole } from '../workflow.ts';

export async function guardStaffPage(Astro: AstroGlobal, roles?: readonly StaffRole[]): Promise<StaffUser | Response> {
  Astro.response.headers.set('Cache-Control', 'no-store');
  const user = Astro.locals.user;
  if (!user) {
    const next = Astro.url.pathname + Astro.url.search;
    return Astro.redirect(`/staff/login/?next=${encodeURIComponent(next)}`, 303);
  }
  if (roles && !roles.includes(user.role)) return Astro.rewrite('/staff/forbidden/');
  return user;
}
