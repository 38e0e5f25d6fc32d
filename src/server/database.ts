/**
 * Row types of the PostgreSQL schema, as Kysely sees them. They mirror db/migrations and stay
 * apart from the domain types the pages use. numeric columns arrive as strings (exact decimals);
 * date columns as 'YYYY-MM-DD' strings (see ./db.ts).
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp with a database default: optional on insert. (Kysely's Generated<> does not unwrap a ColumnType.) */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Numeric = ColumnType<string, string | number, string | number>;
type NumericWithDefault = ColumnType<string, string | number | undefined, string | number>;
type Json<T> = ColumnType<T, string, string>;

export interface BatchTable {
  id: Generated<number>;
  code: string;
  name: string;
  source: string;
  sort_order: Generated<number>;
  created_at: DefaultTimestamp;
}

export interface BatchTargetTable {
  id: Generated<number>;
  batch_id: number;
  due_date: string;
  rate_percent: Numeric;
}

export interface LedgerItemTable {
  id: Generated<string>;
  external_id: string;
  batch_id: number;
  township: string;
  village: string | null;
  total_area_mu: Numeric;
  farmland_area_mu: NumericWithDefault;
  permanent_basic: Generated<boolean>;
  problem_class: string;
  measure: string | null;
  deadline: string | null;
  claimed_rectified_on: string | null;
  verified_rectified_on: string | null;
  is_demo: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  geometry: Json<GeoJsonGeometry> | null;
  min_lng: number | null;
  min_lat: number | null;
  max_lng: number | null;
  max_lat: number | null;
  claimed_by: string | null;
  verified_by: string | null;
}

export interface GeoJsonGeometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: number[][][] | number[][][][];
}

export interface EnforcementStep {
  /** YYYY-MM-DD */
  date: string;
  action: string;
  detail?: string;
}

export interface CaseNoticeTable {
  id: Generated<string>;
  title: string;
  township: string;
  village: string | null;
  problem_class: string;
  party_public: string;
  total_area_mu: Numeric;
  farmland_area_mu: Numeric;
  steps: Json<EnforcementStep[]>;
  outcome: string;
  accountability: Generated<string>;
  body: string;
  status: Generated<'draft' | 'approved' | 'published' | 'withdrawn'>;
  published_at: Timestamp | null;
  withdrawn_at: Timestamp | null;
  withdraw_reason: string | null;
  /** A WITHDRAW_REASONS code: all the public learns of why. */
  withdraw_category: string | null;
  is_demo: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  title_raw: string | null;
  body_raw: string | null;
  party_raw: string | null;
  party_kind: string | null;
  source_report_id: string | null;
  drafted_by: string | null;
  approved_by: string | null;
  approved_at: Timestamp | null;
  /** Originals of the masked public columns `steps` and `accountability`; staff only. */
  steps_raw: Json<EnforcementStep[]> | null;
  accountability_raw: string | null;
}

/** Everyone who created or changed a draft notice; none of them may approve it. */
export interface CaseNoticeDrafterTable {
  notice_id: string;
  staff_user_id: string;
  first_changed_at: DefaultTimestamp;
  last_changed_at: DefaultTimestamp;
}

export interface CaseNoticePhotoTable {
  id: Generated<string>;
  notice_id: string;
  kind: 'before' | 'after';
  position: number;
  public_key: string;
  width: number;
  height: number;
}

export interface LedgerImportTable {
  id: Generated<string>;
  kind: 'items' | 'geometry';
  file_name: string;
  file_sha256: string;
  file_bytes: Buffer;
  status: Generated<'preview' | 'confirmed' | 'discarded'>;
  uploaded_by: string;
  uploaded_at: DefaultTimestamp;
  confirmed_at: Timestamp | null;
  summary: Json<unknown> | null;
}

export interface BulletinTable {
  id: Generated<string>;
  as_of: string;
  title: string;
  snapshot: Json<unknown>;
  status: Generated<'draft' | 'published'>;
  is_demo: Generated<boolean>;
  created_by: string;
  created_at: DefaultTimestamp;
  approved_by: string | null;
  published_at: Timestamp | null;
}

export interface ReportTable {
  id: Generated<string>;
  receipt_hash: string;
  idempotency_key: string;
  submission_hash: string;
  status: Generated<string>;
  problem_class: string;
  township: string;
  village: string | null;
  place_description: string;
  lng: number | null;
  lat: number | null;
  location_source: Generated<string>;
  seen_on: string;
  description: string;
  reporter_name_enc: Buffer | null;
  reporter_phone_enc: Buffer | null;
  photo_count: Generated<number>;
  channel: Generated<string>;
  submitted_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  is_demo: Generated<boolean>;
  assigned_township: string | null;
  stage_deadline: string | null;
  duplicate_of: string | null;
  refusal_reason: string | null;
  verification_found: boolean | null;
  measure: string | null;
  outcome: string | null;
  public_reply: string | null;
  ledger_item_id: string | null;
  corrected_problem_class: string | null;
  corrected_place: string | null;
  corrected_description: string | null;
  closed_at: Timestamp | null;
}

export interface StaffUserTable {
  id: Generated<string>;
  login: string;
  display_name: string;
  role: string;
  township: string | null;
  password_hash: string;
  active: Generated<boolean>;
  is_demo: Generated<boolean>;
  created_at: DefaultTimestamp;
  password_changed_at: DefaultTimestamp;
  /** Hashed halves of a setup code: set while a custodian account waits for its own password. */
  setup_hash_a: string | null;
  setup_hash_b: string | null;
  setup_expires_at: Timestamp | null;
}

/** A custodian change asked for by one admin, waiting for a second (see migration 0010). */
export interface CustodianRequestTable {
  id: Generated<string>;
  kind: 'create' | 'grant' | 'reset';
  target_user_id: string | null;
  login: string | null;
  display_name: string | null;
  setup_hash_a: string;
  requested_by: string;
  requested_at: DefaultTimestamp;
  status: Generated<'pending' | 'confirmed' | 'cancelled'>;
  decided_by: string | null;
  decided_at: Timestamp | null;
}

export interface StaffSessionTable {
  id: string;
  user_id: string;
  expires_at: Timestamp;
  created_at: DefaultTimestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: DefaultTimestamp;
  actor_id: string | null;
  actor_login: string | null;
  actor_role: string | null;
  action: string;
  report_id: string | null;
  target: string | null;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  reason: string | null;
}

export interface ReportNoteTable {
  id: Generated<string>;
  report_id: string;
  author_id: string;
  kind: string;
  body: string;
  at: DefaultTimestamp;
}

export interface PhotoBlobTable {
  id: Generated<string>;
  sha256: string;
  mime: string;
  size: number;
  bytes: Buffer;
  created_at: DefaultTimestamp;
}

export interface ReportPhotoTable {
  id: Generated<string>;
  report_id: string;
  position: number;
  added_by: Generated<string>;
  original_key: string;
  original_sha256: string;
  original_mime: string;
  original_size: number;
  public_key: string;
  public_width: number;
  public_height: number;
  exif_taken_at: Timestamp | null;
  exif_lng: number | null;
  exif_lat: number | null;
  created_at: DefaultTimestamp;
}

export interface ReportEventTable {
  id: Generated<string>;
  report_id: string;
  state: string;
  public_note: string | null;
  at: DefaultTimestamp;
}

/** Per-status numbers of reports kept by triggers (migration 0005); readers sum the slots. */
export interface ReportCountTable {
  status: string;
  township: string;
  problem_class: string;
  /** '' for a report not assigned to a township. */
  assigned_township: string;
  has_photos: boolean;
  slot: number;
  n: ColumnType<string, string | number, string | number>;
}

/** The same numbers for open reports with a deadline, per deadline day (migration 0006). */
export interface ReportDeadlineCountTable extends ReportCountTable {
  /** 'YYYY-MM-DD', or '-infinity' for the days folded together (before report_deadline_fold.before). */
  deadline: string;
}

/** One row: the date before which report_deadline_count's days are folded. */
export interface ReportDeadlineFoldTable {
  singleton: Generated<boolean>;
  before: string;
}

export interface RateLimitTable {
  bucket: string;
  key: string;
  window_start: Timestamp;
  hits: Generated<number>;
}

export interface Database {
  batch: BatchTable;
  batch_target: BatchTargetTable;
  ledger_item: LedgerItemTable;
  case_notice: CaseNoticeTable;
  report: ReportTable;
  photo_blob: PhotoBlobTable;
  report_photo: ReportPhotoTable;
  report_event: ReportEventTable;
  report_count: ReportCountTable;
  report_deadline_count: ReportDeadlineCountTable;
  report_deadline_fold: ReportDeadlineFoldTable;
  rate_limit: RateLimitTable;
  staff_user: StaffUserTable;
  custodian_request: CustodianRequestTable;
  staff_session: StaffSessionTable;
  audit_log: AuditLogTable;
  report_note: ReportNoteTable;
  case_notice_photo: CaseNoticePhotoTable;
  case_notice_drafter: CaseNoticeDrafterTable;
  ledger_import: LedgerImportTable;
  bulletin: BulletinTable;
}

export type BatchRow = Selectable<BatchTable>;
export type LedgerItemRow = Selectable<LedgerItemTable>;
export type NewLedgerItem = Insertable<LedgerItemTable>;
export type LedgerItemUpdate = Updateable<LedgerItemTable>;
export type CaseNoticeRow = Selectable<CaseNoticeTable>;
export type NewCaseNotice = Insertable<CaseNoticeTable>;
export type ReportRow = Selectable<ReportTable>;
export type NewReport = Insertable<ReportTable>;
export type StaffUserRow = Selectable<StaffUserTable>;
