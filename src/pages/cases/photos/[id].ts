import type { APIRoute } from 'astro';
import { getDb } from '../../../lib/server/db.ts';
import { photoResponse, readNoticePhoto } from '../../../lib/server/notice-photos.ts';

export const GET: APIRoute = async ({ params }) =>
  photoResponse(await readNoticePhoto(getDb(), params.id ?? '', false), 'public, max-age=300');
