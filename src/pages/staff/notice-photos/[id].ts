import type { APIRoute } from 'astro';
import { guardStaffEndpoint } from '../../../domain/accounts/page-guard.ts';
import { photoResponse, readNoticePhoto } from '../../../domain/notices/notice-photos.ts';

/** Draft notices' photos, for the publicity group and moderators previewing them. */
export const GET: APIRoute = async ({ params, locals }) => {
  const user = guardStaffEndpoint(locals.user, 'notice.list');
  if (user instanceof Response) return user;
  return photoResponse(await readNoticePhoto(locals.db, params.id ?? '', true), 'private, no-store');
};
