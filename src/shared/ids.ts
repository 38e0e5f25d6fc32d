import { z } from 'astro/zod';

/**
 * A row id as it arrives in a URL or a form: up to 18 digits, so it always fits PostgreSQL's
 * bigint. A longer number would reach the database as an out-of-range value and fail there (a
 * 500), so every id is checked against this before it is used.
 */
export const BIGINT_ID = /^\d{1,18}$/;

export const isBigintId = (s: string): boolean => BIGINT_ID.test(s);

/** A required id field of a form, with the two messages a person may read. */
export const bigintIdField = (missing: string, invalid: string) => z.string({ error: missing }).regex(BIGINT_ID, { error: invalid });
