/**
 * What the database says about a phase's submissions: every receipt a client was given must be
 * there exactly once (looked up by the hash of the receipt code, as /track/ does), every
 * idempotency key at most once, and no report may be stored twice under different keys.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/server/database.ts';
import { deriveReceiptCode, hashReceiptCode, normalizeReceiptCode } from '../../src/domain/reports/receipt-code.ts';
import type { Submission } from './load.ts';

export interface Figures {
  sent: number;
  acknowledged: number;
  found: number;
  lost: number;
  duplicated: number;
  /** Sent but never acknowledged (gave up, or refused for good). */
  unacknowledged: number;
  /** Of those, stored all the same (a retry would have shown the receipt). */
  storedUnacknowledged: number;
  rejected: number;
  /** Receipt cookie differing from the code derived from the form's key. */
  receiptMismatch: number;
  /** Rows of this phase without their 'submitted' event or with missing photos. */
  incomplete: number;
  /**
   * Acknowledged by a retry that found the report already stored by an earlier attempt whose
   * answer the client never saw (timeout, cut connection): the idempotency path at work.
   */
  answeredFromEarlierAttempt: number;
  rows: number;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function verifySubmissions(db: Kysely<Database>, subs: Submission[], appSecret: Buffer, runTag: string, phase: string): Promise<Figures> {
  const sent = subs.filter((s) => s.attempts > 0);
  const acked = sent.filter((s) => s.receipt);

  // 1. By receipt: hashReceiptCode(normalizeReceiptCode(code)) → report.receipt_hash.
  const hashOf = new Map<Submission, string>();
  let receiptMismatch = 0;
  for (const s of acked) {
    const canonical = normalizeReceiptCode(s.receipt!);
    if (!canonical || canonical !== deriveReceiptCode(s.key, appSecret)) receiptMismatch += 1;
    hashOf.set(s, hashReceiptCode(canonical ?? s.receipt!));
  }
  const byReceipt = new Map<string, { n: number; key: string }>();
  for (const part of chunks([...hashOf.values()], 2000)) {
    const rows = await db
      .selectFrom('report')
      .select(['receipt_hash', 'idempotency_key'])
      .where('receipt_hash', 'in', part)
      .execute();
    for (const row of rows) {
      const prev = byReceipt.get(row.receipt_hash);
      byReceipt.set(row.receipt_hash, { n: (prev?.n ?? 0) + 1, key: row.idempotency_key });
    }
  }

  // 2. By idempotency key: exactly one row for each acknowledged key, at most one for any key.
  const byKey = new Map<string, number>();
  for (const part of chunks(sent.map((s) => s.key), 2000)) {
    const rows = await db
      .selectFrom('report')
      .select(['idempotency_key', sql<string>`count(*)`.as('n')])
      .where('idempotency_key', 'in', part)
      .groupBy('idempotency_key')
      .execute();
    for (const row of rows) byKey.set(row.idempotency_key, Number(row.n));
  }

  // 3. By content: the marker in the description, whatever key or receipt a row carries.
  const like = `%[faults ${runTag} ${phase} %`;
  const rows = await db
    .selectFrom('report')
    .select((eb) => [
      'id', 'description', 'photo_count', 'idempotency_key', 'submitted_at',
      eb.selectFrom('report_event').select(sql<string>`count(*)`.as('n')).whereRef('report_event.report_id', '=', 'report.id').where('state', '=', 'submitted').as('events'),
      eb.selectFrom('report_photo').select(sql<string>`count(*)`.as('n')).whereRef('report_photo.report_id', '=', 'report.id').as('photos'),
    ])
    .where('description', 'like', like)
    .execute();
  const byMarker = new Map<string, number>();
  const subByMarker = new Map(sent.map((s) => [s.marker, s]));
  let incomplete = 0;
  let answeredFromEarlierAttempt = 0;
  for (const row of rows) {
    const marker = /\[faults [^\]]+\]/.exec(row.description)?.[0] ?? '';
    byMarker.set(marker, (byMarker.get(marker) ?? 0) + 1);
    // The row's transaction began before the acknowledged (last) attempt was even sent.
    const sub = subByMarker.get(marker);
    if (sub?.receipt && sub.attempts > 1 && new Date(row.submitted_at).getTime() < sub.lastSentAt) answeredFromEarlierAttempt += 1;
    if (Number(row.events) !== 1 || Number(row.photos) !== row.photo_count) incomplete += 1;
  }

  let found = 0;
  let lost = 0;
  for (const s of acked) {
    const hit = byReceipt.get(hashOf.get(s)!);
    if (hit && hit.n === 1 && hit.key === s.key && byKey.get(s.key) === 1) found += 1;
    else if (!hit) lost += 1;
  }
  // The unique indexes should make the last two impossible; the marker catches copies under new keys.
  const extra = (counts: Iterable<number>) => [...counts].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const duplicated = Math.max(extra(byMarker.values()), extra(byKey.values()), extra([...byReceipt.values()].map((h) => h.n)));

  const unacked = sent.filter((s) => !s.receipt);
  return {
    sent: sent.length,
    acknowledged: acked.length,
    found,
    lost,
    duplicated,
    unacknowledged: unacked.length,
    storedUnacknowledged: unacked.filter((s) => (byKey.get(s.key) ?? 0) > 0).length,
    rejected: sent.filter((s) => s.rejected).length,
    receiptMismatch,
    incomplete,
    answeredFromEarlierAttempt,
    rows: rows.length,
  };
}

export function describeFigures(f: Figures): string {
  return (
    `sent ${f.sent}, acknowledged ${f.acknowledged}, found ${f.found}, lost ${f.lost}, duplicated ${f.duplicated}` +
    ` | unacknowledged ${f.unacknowledged} (stored anyway ${f.storedUnacknowledged}, refused ${f.rejected}), receipt mismatches ${f.receiptMismatch}, incomplete rows ${f.incomplete};` +
    ` ${f.answeredFromEarlierAttempt} receipts came from a retry of a report already stored by an attempt whose answer was lost`
  );
}
