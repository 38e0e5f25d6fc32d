/**
 * The staff queue: oldest first, filtered, with keyset pagination on (submitted_at, id) so that
 * page 1000 costs what page 1 costs, and per-status counts for the same filter.
 */
import { chinaDayAfter, chinaDayStart, chinaToday } from '../../shared/china-time.ts';
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../../server/database.ts';
import type { StaffUser } from '../accounts/auth.ts';
import { reachFilter } from '../accounts/staff-access.ts';
import { can } from '../../shared/permissions.ts';
import { isBigintId } from '../../shared/ids.ts';
import type { QueueFilter } from './queue-filter.ts';


export interface QueueRow {
  id: string;
  status: string;
  problemClass: string;
  township: string;
  assignedTownship: string | null;
  place: string;
  submittedAt: Date;
  stageDeadline: string | null;
  overdue: boolean;
  photoCount: number;
  isDemo: boolean;
}

export interface Cursor {
  submittedAt: string;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.submittedAt}|${c.id}`).toString('base64url');
}

export function decodeCursor(s: string | null | undefined): Cursor | null {
  if (!s || s.length > 100) return null;
  const [submittedAt, id] = Buffer.from(s, 'base64url').toString('utf8').split('|');
  if (!submittedAt || !id || !isBigintId(id) || !/^\d{4}-\d{2}-\d{2}[T ][\d:.]+(Z|[+-]\d{2}(:?\d{2})?)?$/.test(submittedAt) || Number.isNaN(Date.parse(submittedAt))) return null;
  return { submittedAt, id };
}

type ReportQuery = SelectQueryBuilder<Database, 'report', object>;

/** The part of the table a user may see, narrowed by the filter. */
function scoped(db: Kysely<Database>, user: StaffUser, filter: Omit<QueueFilter, 'status'>): ReportQuery {
  let q = db.selectFrom('report') as ReportQuery;
  const reach = reachFilter(user, 'queue.view');
  if (reach) q = q.where(reach);
  if (filter.problemClass) q = q.where('problem_class', '=', filter.problemClass);
  if (filter.township) q = q.where('township', '=', filter.township);
  if (filter.hasPhotos) q = q.where('photo_count', '>', 0);
  if (filter.overdue) q = q.where('stage_deadline', '<', chinaToday()).where('status', 'not in', ['closed', 'refused']);
  if (filter.from) q = q.where('submitted_at', '>=', chinaDayStart(filter.from));
  if (filter.to) q = q.where('submitted_at', '<', chinaDayAfter(filter.to));
  return q;
}

export async function listQueue(
  db: Kysely<Database>,
  user: StaffUser,
  filter: QueueFilter,
  after: Cursor | null,
  limit = 25,
): Promise<{ rows: QueueRow[]; next: Cursor | null }> {
  let q = scoped(db, user, filter);
  if (filter.status) q = q.where('status', '=', filter.status);
  // The cursor carries the database's own microseconds: a JavaScript Date keeps milliseconds only,
  // and a row stamped 12:00:00.123456 would come again after a cursor of 12:00:00.123.
  if (after) q = q.where(sql<boolean>`(submitted_at, id) > (${after.submittedAt}::timestamptz, ${after.id}::bigint)`);
  // Overdue: report_open_queue_idx (migration 0006) carries every column the filter and the
  // cursor read, so the page's ids come from the index alone and only those rows are read. A
  // narrow filter (a township, a class and photos) otherwise read row after row of the table to
  // find 26: at a million reports PostgreSQL chose to read all of it (350 ms).
  if (filter.overdue) {
    const ids = q.select('id').orderBy('submitted_at').orderBy('id').limit(limit + 1);
    q = db.selectFrom('report').where('id', 'in', ids) as ReportQuery;
  }
  const today = chinaToday();
  const rows = await q
    .select(['id', 'status', 'problem_class', 'township', 'assigned_township', 'place_description', 'corrected_place', 'submitted_at', 'stage_deadline', 'photo_count', 'is_demo'])
    .select(sql<string>`to_char(submitted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_at'))
    .orderBy('submitted_at')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  const lastRow = rows.length > limit ? rows[limit - 1] : undefined;
  const page = rows.slice(0, limit).map((r) => ({
    id: r.id,
    status: r.status,
    problemClass: r.problem_class,
    township: r.township,
    assignedTownship: r.assigned_township,
    place: r.corrected_place ?? r.place_description,
    submittedAt: new Date(r.submitted_at),
    stageDeadline: r.stage_deadline,
    overdue: r.stage_deadline !== null && r.stage_deadline < today && r.status !== 'closed' && r.status !== 'refused',
    photoCount: r.photo_count,
    isDemo: r.is_demo,
  }));
  return { rows: page, next: lastRow ? { submittedAt: lastRow.cursor_at, id: lastRow.id } : null };
}

type CounterTable = 'report_count' | 'report_deadline_count';

/** A trigger-kept counter table narrowed like `scoped` narrows the reports: both tables carry the same key columns. */
function counters(db: Kysely<Database>, table: CounterTable, user: StaffUser, filter: QueueFilter) {
  // Typed as report_count: report_deadline_count has the same columns and a deadline, which the caller filters on.
  let q = db.selectFrom(table as 'report_count');
  const reach = reachFilter(user, 'queue.view');
  if (reach) q = q.where(reach);
  if (filter.problemClass) q = q.where('problem_class', '=', filter.problemClass);
  if (filter.township) q = q.where('township', '=', filter.township);
  if (filter.hasPhotos) q = q.where('has_photos', '=', true);
  return q;
}

/** Per-status sums of a counter table's slots and keys; a status that sums to 0 is left out. */
function sumsByStatus(q: ReturnType<typeof counters>) {
  return q
    .select((eb) => ['status', eb.fn.sum<string>('n').as('n')])
    .groupBy('status')
    .having((eb) => eb.fn.sum('n'), '>', 0);
}

/**
 * Overdue counts from report_deadline_count (migration 0006): the open reports of every deadline
 * day before today, the days long past folded into one set of rows. null when this clock's today
 * is before the date the counts were folded to: those rows may then hold deadlines not yet past.
 */
async function countOverdue(db: Kysely<Database>, user: StaffUser, filter: QueueFilter): Promise<Record<string, number> | null> {
  const today = chinaToday();
  const sums = sumsByStatus(counters(db, 'report_deadline_count', user, filter).where(sql<boolean>`deadline < ${today}::date`));
  // One statement, so that the fold date read is the one the summed rows were folded to.
  const { folded, counts } = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('report_deadline_fold').select('before').as('folded'),
      sql<Record<string, number> | null>`(select json_object_agg(s.status, s.n) from (${sums}) as s)`.as('counts'),
    ])
    .executeTakeFirstOrThrow();
  if (folded !== null && folded > today) return null;
  if (folded === null || folded < today) {
    // Once a day (the first overdue count of the day folds yesterday): this keeps the sum to a
    // few hundred rows. The numbers are right without it, so a fold that fails (a lock conflict
    // with a report being saved) is left to the next count.
    await sql`select report_deadline_count_fold(${today}::date)`.execute(db).catch(() => {});
  }
  return Object.fromEntries(Object.entries(counts ?? {}).map(([status, n]) => [status, Number(n)]));
}

export async function countByStatus(db: Kysely<Database>, user: StaffUser, filter: QueueFilter): Promise<Record<string, number>> {
  // Submission dates are in neither counter table: filters on them count the matching rows.
  if (!filter.from && !filter.to) {
    if (!filter.overdue) {
      const sums = await sumsByStatus(counters(db, 'report_count', user, filter)).execute();
      return Object.fromEntries(sums.map((r) => [r.status, Number(r.n)]));
    }
    const overdue = await countOverdue(db, user, filter);
    if (overdue) return overdue;
  }
  const rows = await scoped(db, user, filter)
    .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export interface QueuePoint {
  id: string;
  lng: number;
  lat: number;
  status: string;
}

/** Points of the filtered set for the map view (at most `max`, oldest first like the list). */
export async function queuePoints(db: Kysely<Database>, user: StaffUser, filter: QueueFilter, max = 5000): Promise<QueuePoint[]> {
  let q = scoped(db, user, filter).where('lat', 'is not', null);
  if (filter.status) q = q.where('status', '=', filter.status);
  const rows = await q.select(['id', 'lng', 'lat', 'status']).orderBy('submitted_at').orderBy('id').limit(max).execute();
  return rows.map((r) => ({ id: r.id, lng: r.lng!, lat: r.lat!, status: r.status }));
}

export interface NearbyReport {
  id: string;
  distanceMetres: number;
  status: string;
  problemClass: string;
  submittedAt: Date;
  duplicateOf: string | null;
  assignedTownship: string | null;
  /** Whether the viewer may open it (report.view); otherwise it is listed without a link. */
  canOpen: boolean;
}

/** Mean earth radius (IUGG), for the great-circle distance of the nearby search. */
const EARTH_RADIUS_METRES = 6_371_008.8;

/**
 * Cells of report_nearby_grid_idx (migration 0006, which must change with it): floor(lat × 400)
 * and floor(lng × 400), about 280 m × 225 m here. A box of a few hundred metres touches about 20
 * cells, each one index search that reads only its time window.
 */
const GRID_CELLS_PER_DEGREE = 400;
/** A box over more cells than this (a radius of kilometres) reads its band of latitude cells instead: the same index, one search. */
const MAX_GRID_CELLS = 400;

/** Every grid cell from the one holding `from` to the one holding `to` (floor is monotonic, so every value between lies in them). */
function gridCells(from: number, to: number): number[] {
  const cells: number[] = [];
  for (let c = Math.floor(from * GRID_CELLS_PER_DEGREE); c <= Math.floor(to * GRID_CELLS_PER_DEGREE); c++) cells.push(c);
  return cells;
}

/** Reports within `radiusMetres` and `days` of a point: the grid cells of a bounding box on the index, then exact distance. */
export async function findNearbyReports(
  db: Kysely<Database>,
  viewer: StaffUser,
  center: { id: string; lng: number; lat: number; submittedAt: Date },
  radiusMetres: number,
  days: number,
): Promise<NearbyReport[]> {
  // The box must hold the whole circle on the sphere the distance below uses (a box on 111 320 m
  // per degree was 0.1 % too small and dropped reports just inside the radius); 1 % spare covers
  // the longitude span of a circle, which is a little wider than radius / cos(lat).
  const degrees = (radiusMetres / ((EARTH_RADIUS_METRES * Math.PI) / 180)) * 1.01;
  const dLat = degrees;
  const dLng = degrees / Math.cos((center.lat * Math.PI) / 180);
  const windowMs = days * 86_400_000;
  const latCells = gridCells(center.lat - dLat, center.lat + dLat);
  const lngCells = gridCells(center.lng - dLng, center.lng + dLng);
  // The expressions are the index's own (floor(lat * 400)::int): the planner matches them as written.
  const cellOf = (column: 'lat' | 'lng') => sql`floor(${sql.ref(column)} * ${sql.lit(GRID_CELLS_PER_DEGREE)})::int`;
  let q = db
    .selectFrom('report')
    .select((_eb) => [
      'id', 'status', 'problem_class', 'submitted_at', 'duplicate_of', 'assigned_township', 'township',
      sql<number>`2 * ${sql.lit(EARTH_RADIUS_METRES)} * asin(sqrt(power(sin(radians(lat - ${center.lat}) / 2), 2) + cos(radians(${center.lat})) * cos(radians(lat)) * power(sin(radians(lng - ${center.lng}) / 2), 2)))`.as('distance'),
    ]);
  q = latCells.length * lngCells.length <= MAX_GRID_CELLS
    ? q.where(sql<boolean>`${cellOf('lat')} = any(${latCells}::int[])`).where(sql<boolean>`${cellOf('lng')} = any(${lngCells}::int[])`)
    : q.where(sql<boolean>`${cellOf('lat')} between ${latCells[0]!} and ${latCells.at(-1)!}`);
  // The viewer's reach is part of the query, so the limit never cuts off what they may see.
  if (!can(viewer, 'report.nearby')) return [];
  const reach = reachFilter(viewer, 'report.nearby');
  if (reach) q = q.where(reach);
  const rows = await q
    .where('id', '!=', center.id)
    .where('lat', '>=', center.lat - dLat)
    .where('lat', '<=', center.lat + dLat)
    .where('lng', '>=', center.lng - dLng)
    .where('lng', '<=', center.lng + dLng)
    .where('submitted_at', '>=', new Date(center.submittedAt.getTime() - windowMs))
    .where('submitted_at', '<=', new Date(center.submittedAt.getTime() + windowMs))
    .orderBy('distance')
    .limit(50)
    .execute();
  return rows
    .filter((r) => r.distance <= radiusMetres)
    .map((r) => ({
      id: r.id,
      distanceMetres: Math.round(r.distance),
      status: r.status,
      problemClass: r.problem_class,
      submittedAt: new Date(r.submitted_at),
      duplicateOf: r.duplicate_of,
      assignedTownship: r.assigned_township,
      canOpen: can(viewer, 'report.view', r),
    }));
}
