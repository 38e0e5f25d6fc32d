/** Photos of case notices: public copies only, served publicly once the notice is published. */
import type { Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import { postgresPhotoStore, type StoredObject } from '../reports/photo-store.ts';
import { isBigintId } from '../../shared/ids.ts';

export async function readNoticePhoto(db: Kysely<Database>, photoId: string, includeDrafts: boolean): Promise<StoredObject | null> {
  if (!isBigintId(photoId)) return null;
  const row = await db
    .selectFrom('case_notice_photo')
    .innerJoin('case_notice', 'case_notice.id', 'case_notice_photo.notice_id')
    .select(['case_notice_photo.public_key', 'case_notice.status'])
    .where('case_notice_photo.id', '=', photoId)
    .executeTakeFirst();
  if (!row || (!includeDrafts && row.status !== 'published')) return null;
  return postgresPhotoStore.get(db, row.public_key);
}

export function photoResponse(photo: StoredObject | null, cacheControl: string): Response {
  if (!photo) return new Response('没有找到照片', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return new Response(new Uint8Array(photo.bytes), { headers: { 'Content-Type': photo.mime, 'Cache-Control': cacheControl } });
}
