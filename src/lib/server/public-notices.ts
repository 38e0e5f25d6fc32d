/** Cached reads of published notices for the public pages and the feed. */
import { getDb } from './db.ts';
import { cached } from './cache.ts';
import { findPublicNotice, listPublishedNotices, type NoticeFilter } from './notices.ts';

export const NOTICE_PAGE_SIZE = 10;

export function getNoticePage(filter: NoticeFilter, page: number, pageSize = NOTICE_PAGE_SIZE) {
  return cached(`notices:${filter.township ?? ''}:${filter.problemClass ?? ''}:${page}:${pageSize}`, () =>
    listPublishedNotices(getDb(), filter, page, pageSize),
  );
}

export function getPublicNotice(id: string) {
  return cached(`notice:${id}`, () => findPublicNotice(getDb(), id));
}
