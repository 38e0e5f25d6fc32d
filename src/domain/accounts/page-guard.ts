/**
 * Staff pages call this in their first lines with the permission STAFF_ROUTES gives them: no
 * session → sign-in page (coming back afterwards; a POST gets it in place with 401); a role the
 * permission table does not grant it → 403 page. It returns the user or the Response to return.
 */
import type { AstroGlobal } from 'astro';
import type { StaffUser } from './auth.ts';
import { can, type Permission } from '../../shared/permissions.ts';

export async function guardStaffPage(Astro: AstroGlobal, permission: Permission): Promise<StaffUser | Response> {
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
  if (!can(user, permission)) return Astro.rewrite('/staff/forbidden/');
  return user;
}

/**
 * The same for a staff download, JSON or photo route: the signed-in user, or a plain 401/403
 * answer in the route's own format (the middleware has already refused requests without a session).
 */
export function guardStaffEndpoint(user: StaffUser | null | undefined, permission: Permission, format: 'text' | 'json' = 'text'): StaffUser | Response {
  if (user && can(user, permission)) return user;
  const [status, message] = user ? [403, '无权访问'] : [401, '请先登录'];
  const body = format === 'json' ? JSON.stringify({ error: message }) : message;
  const type = format === 'json' ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
  return new Response(body, { status, headers: { 'Content-Type': type, 'Cache-Control': 'no-store' } });
}
