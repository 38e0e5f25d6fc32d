import type { APIRoute } from 'astro';
import { getDb } from '../../../lib/server/db.ts';
import { photoResponse, readNoticePhoto } from '../../../lib/server/notice-photos.ts';

/** Draft notices' photos, for the publicity group and moderators previewing them. */
export const GET: APIRoute = async ({ params, locals }) => {
  if (!locals.user || !['publicity', 'moderator'].includes(locals.user.role)) return new Response('无权访问', { status: 403 });
  return photoResponse(await readNoticePhoto(getDb(), params.id ?? '', true), 'private, no-store');
};
