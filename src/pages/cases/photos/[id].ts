import type { APIRoute } from 'astro';
import { photoResponse, readNoticePhoto } from '../../../domain/notices/notice-photos.ts';

export const GET: APIRoute = async ({ params, locals }) =>
  photoResponse(await readNoticePhoto(locals.db, params.id ?? '', false), 'public, max-age=300');
