/**
 * Fixed-window rate limits kept in PostgreSQL, so they hold across every app instance. Clients are
 * identified by a keyed hash of their IP that changes every day (China time): the raw address is
 * never stored or logged, and yesterday's hashes cannot be linked to today's.
 */
import { chinaDateOf } from '../shared/china-time.ts';
import { hmacSha256 } from '../shared/secret-key.ts';
import { sql, type Kysely, type QueryCreator } from 'kysely';
import type { Database } from './database.ts';

export interface RateRule {
  bucket: string;
  limit: number;
  windowSeconds: number;
}

/**
 * A positive whole number from the environment, or the default. Only the report limits can be
 * changed this way: load tests and benchmarks send every report from one address and raise them
 * (REPORT_RATE_PER_HOUR, REPORT_RATE_PER_DAY); a deployment has no reason to.
 */
function limitFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (Number.isSafeInteger(n) && n > 0) return n;
  console.warn(`[rate-limit] ${name}=${JSON.stringify(raw)} is not a positive whole number; using ${fallback}`);
  return fallback;
}

export const RATE_RULES = {
  reportPerHour: { bucket: 'report-h', limit: limitFromEnv('REPORT_RATE_PER_HOUR', 5), windowSeconds: 3600 },
  reportPerDay: { bucket: 'report-d', limit: limitFromEnv('REPORT_RATE_PER_DAY', 20), windowSeconds: 86_400 },
  track: { bucket: 'track', limit: 20, windowSeconds: 600 },
  /**
   * Failed sign-ins: per account from one client (a guesser is stopped, the owner elsewhere is
   * not), per client across accounts, and per account from everywhere — the last one a ceiling
   * past which each attempt is slowed, never refused, so nobody can lock a colleague out.
   */
  loginPair: { bucket: 'login-p', limit: 5, windowSeconds: 900 },
  loginClient: { bucket: 'login-c', limit: 20, windowSeconds: 900 },
  loginAccount: { bucket: 'login-a', limit: 10, windowSeconds: 900 },
} as const satisfies Record<string, RateRule>;

/** A citizen's report counts against both its hourly and its daily limit, in this order. */
export const REPORT_RULES = [RATE_RULES.reportPerHour, RATE_RULES.reportPerDay] as const;

export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
  /** Hits in the current window, this one included. */
  hits: number;
}

export function dailyClientKey(ip: string, secret: Buffer, now = new Date()): string {
  const day = chinaDateOf(now);
  return hmacSha256(secret, `client:${day}:${ip}`).toString('base64url').slice(0, 32);
}

/**
 * The statement that counts one hit in each rule's current window and returns each bucket's hits:
 * one round trip for any number of rules, and usable as a CTE inside a larger statement (intake
 * counts and looks for a retry in one). Rows are locked in the rules' order, so two callers
 * with the same rules cannot deadlock.
 */
export function countHits(qc: QueryCreator<Database>, rules: readonly RateRule[], key: string, now = new Date()) {
  return qc
    .insertInto('rate_limit')
    .values(rules.map((rule) => ({ bucket: rule.bucket, key, window_start: windowOf(rule, now).start, hits: 1 })))
    .onConflict((oc) => oc.columns(['bucket', 'key', 'window_start']).doUpdateSet({ hits: sql`rate_limit.hits + 1` }))
    .returning(['bucket', 'hits']);
}

/** What the hits counted by countHits mean: allowed, or the longest wait of the rules refused. */
export function decideRateLimits(rules: readonly RateRule[], hits: ReadonlyArray<{ bucket: string; hits: number }>, now = new Date()): RateDecision {
  const hitsOf = (rule: RateRule) => Number(hits.find((h) => h.bucket === rule.bucket)?.hits ?? 0);
  const refused = rules.filter((rule) => hitsOf(rule) > rule.limit);
  return {
    allowed: refused.length === 0,
    retryAfterSeconds: refused.length === 0 ? 0 : Math.max(...refused.map((rule) => windowOf(rule, now).secondsLeft)),
    hits: Math.max(0, ...rules.map(hitsOf)),
  };
}

/** Old windows are swept now and then (about one call in a hundred) rather than by a separate job. */
export async function sweepRateLimitsNowAndThen(db: Kysely<Database>, now = new Date()): Promise<void> {
  if (Math.random() >= 0.01) return;
  await db.deleteFrom('rate_limit').where('window_start', '<', new Date(now.getTime() - 2 * 86_400_000)).execute();
}

/** Counts one hit and says whether it is within the rule, and when its window ends (allowed or not). */
export async function hitRateLimit(db: Kysely<Database>, rule: RateRule, key: string, now = new Date()): Promise<RateDecision> {
  const decision = await hitRateLimits(db, [rule], key, now);
  return { ...decision, retryAfterSeconds: windowOf(rule, now).secondsLeft };
}

/** Takes back one hit in the current window (an attempt that turned out not to count). */
export async function refundRateLimit(db: Kysely<Database>, rule: RateRule, key: string, now = new Date()): Promise<void> {
  const { start: windowStart } = windowOf(rule, now);
  await db
    .updateTable('rate_limit')
    .set({ hits: sql`greatest(hits - 1, 0)` })
    .where('bucket', '=', rule.bucket)
    .where('key', '=', key)
    .where('window_start', '=', windowStart)
    .execute();
}

/** Counts one hit for several rules at once (one statement); the longest wait wins. */
export async function hitRateLimits(db: Kysely<Database>, rules: readonly RateRule[], key: string, now = new Date()): Promise<RateDecision> {
  const hits = await countHits(db, rules, key, now).execute();
  await sweepRateLimitsNowAndThen(db, now);
  return decideRateLimits(rules, hits, now);
}

/** The fixed window a moment falls in, and the seconds left in it. */
export function windowOf(rule: RateRule, now = new Date()): { start: Date; secondsLeft: number } {
  const windowMs = rule.windowSeconds * 1000;
  const start = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  return { start, secondsLeft: Math.ceil((start.getTime() + windowMs - now.getTime()) / 1000) };
}
