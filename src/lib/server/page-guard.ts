/**
 * Staff pages call this in their first lines: no session → sign-in page (coming back afterwards;
 * a POST gets it in place with 401); wrong role → 403 page. It returns the user or the Response to return.
 */
import type { AstroGlobal } from 'astro';
import type { StaffUser } from './auth.ts';
import type { StaffRole } from '../workflow.ts';

export async function guardStaffPage(Astro: AstroGlobal, roles?: readonly StaffRole[]): Promise<StaffUser | Response> {
  Astro.response.headers.set('Cache-Control', 'no-store');
  const user = Astro.locals.user;
  if (!user) {
    // A form posted without a session (expired, or never signed in) was refused by its Action: say
    // so with 401 and the sign-in form in place, rather than a redirect that looks like success.
    if (Astro.request.method !== 'GET' && Astro.request.method !== 'HEAD') {
      return Astro.rewrite(`/staff/login/?next=${encodeURIComponent(Astro.url.pathname)}`);
    }
    const next = Astro.url.pathname + Astro.url.search;
    return Astro.redirect(`/staff/login/?next=${encodeURIComponent(next)}`, 303);
  }
  if (roles && !roles.includes(user.role)) return Astro.rewrite('/staff/forbidden/');
  return user;
}
