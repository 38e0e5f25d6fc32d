/**
 * Where photo bytes live. The default keeps them in PostgreSQL (table photo_blob): written in the
 * same transaction as the report, covered by the same backup. An object store can implement the
 * same interface later; keys are opaque strings with a scheme prefix ('pg:', 's3:', …).
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import type { ProcessedPhoto } from './photos.ts';

export interface StoredObject {
  bytes: Buffer;
  mime: string;
}

export interface PhotoStore {
  /** Must run on the given handle, so it joins the caller's transaction. */
  put(db: Kysely<Database>, object: StoredObject & { sha256: string }): Promise<string>;
  get(db: Kysely<Database>, key: string): Promise<StoredObject | null>;
}

export const postgresPhotoStore: PhotoStore = {
  async put(db, { bytes, mime, sha256 }) {
    const { id } = await db
      .insertInto('photo_blob')
      .values({ bytes, mime, sha256, size: bytes.length })
      .returning('id')
      .executeTakeFirstOrThrow();
    return `pg:${id}`;
  },
  async get(db, key) {
    const m = /^pg:(\d{1,18})$/.exec(key);
    if (!m) return null;
    const row = await db.selectFrom('photo_blob').select(['bytes', 'mime']).where('id', '=', m[1]!).executeTakeFirst();
    return row ? { bytes: row.bytes, mime: row.mime } : null;
  },
};

/**
 * Seals a processed photo with its report: the original (with its SHA-256) and the
 * metadata-free public copy go to the store, their keys and the private EXIF to report_photo.
 */
export async function storeReportPhoto(
  db: Kysely<Database>,
  store: PhotoStore,
  place: { reportId: string; position: number; addedBy: string },
  photo: ProcessedPhoto,
): Promise<void> {
  const originalKey = await store.put(db, { bytes: photo.original, mime: photo.originalMime, sha256: photo.sha256 });
  const publicKey = await store.put(db, { bytes: photo.publicCopy, mime: photo.publicMime, sha256: createHash('sha256').update(photo.publicCopy).digest('hex') });
  await db
    .insertInto('report_photo')
    .values({
      report_id: place.reportId,
      position: place.position,
      added_by: place.addedBy,
      original_key: originalKey,
      original_sha256: photo.sha256,
      original_mime: photo.originalMime,
      original_size: photo.original.length,
      public_key: publicKey,
      public_width: photo.publicWidth,
      public_height: photo.publicHeight,
      exif_taken_at: photo.exif.takenAt,
      exif_lng: photo.exif.lngLat?.[0] ?? null,
      exif_lat: photo.exif.lngLat?.[1] ?? null,
    })
    .execute();
}
