/** Cached reads of published notices for the public pages and the feed. */
import type { Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import type { PublicCache } from '../../server/public-cache.ts';
import { findPublicNotice, listPublishedNotices, type NoticeFilter } from './notices.ts';

export const NOTICE_PAGE_SIZE = 10;

export function getNoticePage(db: Kysely<Database>, cache: PublicCache, filter: NoticeFilter, page: number, pageSize = NOTICE_PAGE_SIZE) {
  return cache.read(`notices:${filter.township ?? ''}:${filter.problemClass ?? ''}:${page}:${pageSize}`, () => listPublishedNotices(db, filter, page, pageSize));
}

export function getPublicNotice(db: Kysely<Database>, cache: PublicCache, id: string) {
  return cache.read(`notice:${id}`, () => findPublicNotice(db, id));
}
