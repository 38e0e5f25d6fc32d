/**
 * Staff-workspace fixtures for integration tests: users of every role and reports in any workflow
 * state, inserted directly so a test can start from the state it is about.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/server/database.ts';
import { hashPassword, type StaffUser } from '../../src/domain/accounts/auth.ts';
import { encryptField } from '../../src/server/field-crypto.ts';
import type { ReportState } from '../../src/domain/reports/workflow.ts';
import type { StaffRole } from '../../src/shared/permissions.ts';

export const PASSWORD = 'Correct-horse-42';
/** Hashed once: argon2id is deliberately slow, and the matrix needs many users. */
let passwordHash: Promise<string> | undefined;

export const REPORTER = { name: '李秀英', phone: '13912345678' };
export const reporterKey = randomBytes(32);

export async function insertUser(
  db: Kysely<Database>,
  role: StaffRole,
  options: { township?: string; login?: string; active?: boolean } = {},
): Promise<StaffUser> {
  passwordHash ??= hashPassword(PASSWORD);
  const township = role === 'township' ? (options.township ?? 'xishe') : null;
  const login = options.login ?? `${role}-${township ?? 'x'}-${randomBytes(3).toString('hex')}`;
  const { id } = await db
    .insertInto('staff_user')
    .values({ login, display_name: `测试${role}`, role, township, password_hash: await passwordHash, active: options.active ?? true })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, login, displayName: `测试${role}`, role, township };
}

export interface ReportOptions {
  status?: ReportState;
  township?: string;
  assignedTownship?: string | null;
  lng?: number | null;
  lat?: number | null;
  submittedAt?: Date;
  withIdentity?: boolean;
  publicReply?: string | null;
}

/** A report as the intake stores it, moved straight to `status`, with its 'submitted' event. */
export async function insertReport(db: Kysely<Database>, o: ReportOptions = {}): Promise<string> {
  const status = o.status ?? 'submitted';
  const assignedDefault = ['verifying', 'substantiated', 'unsubstantiated', 'rectifying', 'closed'].includes(status) ? (o.township ?? 'xishe') : null;
  const key = randomUUID();
  const { id } = await db
    .insertInto('report')
    .values({
      receipt_hash: randomBytes(32).toString('hex'),
      idempotency_key: key,
      submission_hash: `test-${key}`,
      status,
      problem_class: 'house',
      township: o.township ?? 'xishe',
      place_description: '西社村东头水泥路南侧',
      lng: o.lng === undefined ? 110.85 : o.lng,
      lat: o.lat === undefined ? 35.55 : o.lat,
      location_source: 'map',
      seen_on: '2026-11-01',
      description: '有人在麦地里打地基，准备盖两层楼房。',
      reporter_name_enc: o.withIdentity === false ? null : encryptField(REPORTER.name, 'reporter_name', reporterKey),
      reporter_phone_enc: o.withIdentity === false ? null : encryptField(REPORTER.phone, 'reporter_phone', reporterKey),
      submitted_at: o.submittedAt ?? new Date(),
      assigned_township: o.assignedTownship === undefined ? assignedDefault : o.assignedTownship,
      verification_found: ['substantiated', 'rectifying'].includes(status) ? true : status === 'unsubstantiated' ? false : null,
      public_reply: o.publicReply ?? (status === 'closed' ? '已办结。' : null),
      closed_at: status === 'closed' ? new Date() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('report_event').values({ report_id: id, state: 'submitted' }).execute();
  return id;
}

/** A ledger item (图斑) to link reports to. */
export async function insertLedgerItem(db: Kysely<Database>, externalId: string): Promise<string> {
  const batch = await db.insertInto('batch').values({ code: `b-${randomBytes(3).toString('hex')}`, name: '测试批次', source: '测试' }).returning('id').executeTakeFirstOrThrow();
  const { id } = await db
    .insertInto('ledger_item')
    .values({ external_id: externalId, batch_id: batch.id, township: 'xishe', total_area_mu: '1.5', problem_class: 'house' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function auditRows(db: Kysely<Database>) {
  return db.selectFrom('audit_log').selectAll().orderBy('id').execute();
}
