/**
 * Where photo bytes live. The default keeps them in PostgreSQL (table photo_blob): written in the
 * same transaction as the report, covered by the same backup. An object store can implement the
 * same interface later; keys are opaque strings with a scheme prefix ('pg:', 's3:', …).
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

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
