import { z } from 'astro/zod';
import { cleanQueryText, isRealIsoDate } from '../../shared/text-safety.ts';
import { BIGINT_ID } from '../../shared/ids.ts';

/** The audit page's filters, as the query reads them (every one optional). */
export interface AuditFilter {
  /** A staff login, exactly. */
  actor?: string;
  /** An audit action code (AUDIT_ACTIONS). */
  action?: string;
  reportId?: string;
  /** YYYY-MM-DD, China time, inclusive. */
  from?: string;
  to?: string;
  /** Rows older than this id: the next page. */
  before?: string;
}

const date = z.string().refine(isRealIsoDate).optional().catch(undefined);
const id = z.string().regex(BIGINT_ID).optional().catch(undefined);

/**
 * Query string of the admin audit page. A value that cannot name anything (2026-02-30, a NUL in
 * the login name, a forged cursor) is dropped rather than refused: the page still answers, with
 * that filter off, and the form shows what is actually applied.
 */
export function parseAuditFilter(params: URLSearchParams, actions: Readonly<Record<string, unknown>>): AuditFilter {
  const get = (k: string) => params.get(k) ?? undefined;
  const action = get('action');
  return {
    actor: cleanQueryText(get('actor'), 64),
    action: action && Object.hasOwn(actions, action) ? action : undefined,
    reportId: id.parse(get('report')?.trim()),
    from: date.parse(get('from')),
    to: date.parse(get('to')),
    before: id.parse(get('before')),
  };
}
