import type { APIRoute } from 'astro';
import { guardStaffEndpoint } from '../../../domain/accounts/page-guard.ts';
import { readPublicPhotoForStaff } from '../../../domain/reports/staff-photos.ts';

/** Public copies only (no metadata), to signed-in staff who may see the report. */
export const GET: APIRoute = async ({ locals, params }) => {
  const user = guardStaffEndpoint(locals.user, 'report.view');
  if (user instanceof Response) return user;
  const photo = await readPublicPhotoForStaff(locals.db, user, params.id ?? '');
  if (!photo) return new Response('没有找到照片', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return new Response(new Uint8Array(photo.bytes), {
    headers: { 'Content-Type': photo.mime, 'Cache-Control': 'private, max-age=3600', 'Content-Disposition': 'inline' },
  });
};
