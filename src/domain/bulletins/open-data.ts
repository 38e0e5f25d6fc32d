/**
 * Open data: the same figures the public pages show, as CSV and JSON. Nothing personal: no
 * reporters, no report locations, parties only as masked in published notices.
 */
import { chinaDateOf } from '../../shared/china-time.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import { findTownship } from '../../config/jurisdiction.ts';
import { labelOf, OUTCOMES, PROBLEM_CLASSES } from '../../shared/taxonomy.ts';
import { formatRate } from '../ledger/progress.ts';
import { formatMu } from '../ledger/mu.ts';
import { csvCell } from '../ledger/progress-export.ts';
import type { BulletinSnapshot } from './bulletin-snapshot.ts';
import { toPublicNotice } from '../notices/notices.ts';

export interface Dataset {
  fields: ReadonlyArray<readonly [key: string, description: string]>;
  rows: Array<Record<string, string | number | boolean | null>>;
  updatedAt: string | null;
}

export const NOTICE_FIELDS = [
  ['id', '通报编号'], ['title', '标题（当事人已隐去）'], ['township', '乡镇'], ['village', '村'], ['problem_class', '问题类型'],
  ['party', '当事人（已隐去）'], ['total_area_mu', '总面积（亩）'], ['farmland_area_mu', '耕地面积（亩）'], ['outcome', '处理结果'],
  ['steps', '查处步骤（日期 措施；…）'], ['accountability', '责任追究'], ['published_at', '发布日期'], ['demo', '是否演示数据'],
] as const;

export async function noticesDataset(db: Kysely<Database>): Promise<Dataset> {
  // Published notices only: a withdrawn one leaves the open data the moment it is withdrawn.
  const rows = await db.selectFrom('case_notice').selectAll().where('status', '=', 'published').orderBy('published_at', 'desc').execute();
  return {
    fields: NOTICE_FIELDS,
    updatedAt: rows.reduce<string | null>((m, r) => { const t = new Date(r.updated_at).toISOString(); return !m || t > m ? t : m; }, null),
    rows: rows.map((r) => {
      // The same public text the notice pages show, masked the same way.
      const n = toPublicNotice(r);
      return {
        id: r.id, title: n.title, township: findTownship(r.township)?.name ?? r.township, village: r.village, problem_class: labelOf(PROBLEM_CLASSES, r.problem_class),
        party: n.party, total_area_mu: r.total_area_mu, farmland_area_mu: r.farmland_area_mu, outcome: labelOf(OUTCOMES, r.outcome),
        steps: n.steps.map((s) => `${s.date} ${s.action}`).join('；'), accountability: n.accountability,
        published_at: r.published_at ? chinaDateOf(new Date(r.published_at)) : null, demo: r.is_demo,
      };
    }),
  };
}

export const BULLETIN_FIELDS = [
  ['bulletin_id', '通报编号'], ['as_of', '数据截至日期'], ['batch', '批次'], ['township', '乡镇'], ['items', '图斑数'], ['total_area_mu', '总面积（亩）'],
  ['farmland_items', '涉及耕地图斑数'], ['farmland_area_mu', '耕地面积（亩）'], ['claimed_rectified', '乡镇自报整改数'], ['verified_rectified', '县级核验销号数'],
  ['verified_rate', '销号率'], ['behind_target', '是否落后于目标'], ['demo', '整改数字是否为演示数据'],
] as const;

export async function bulletinsDataset(db: Kysely<Database>): Promise<Dataset> {
  const rows = await db.selectFrom('bulletin').select(['id', 'as_of', 'snapshot', 'published_at', 'is_demo']).where('status', '=', 'published').orderBy('as_of').execute();
  return {
    fields: BULLETIN_FIELDS,
    updatedAt: rows.reduce<string | null>((m, r) => { const t = new Date(r.published_at!).toISOString(); return !m || t > m ? t : m; }, null),
    rows: rows.flatMap((b) =>
      (b.snapshot as BulletinSnapshot).batches.flatMap((batch) =>
        batch.rows.map((r) => ({
          bulletin_id: b.id, as_of: b.as_of, batch: batch.name, township: r.townshipName, items: r.counts.items, total_area_mu: formatMu(r.counts.totalMu),
          farmland_items: r.counts.farmlandItems, farmland_area_mu: formatMu(r.counts.farmlandMu), claimed_rectified: r.counts.claimed,
          verified_rectified: r.counts.verified, verified_rate: formatRate(r.counts.verified, r.counts.items), behind_target: r.behind, demo: b.is_demo,
        })),
      ),
    ),
  };
}

export function datasetCsv(d: Dataset): string {
  const lines = [d.fields.map(([k]) => csvCell(k)).join(','), ...d.rows.map((r) => d.fields.map(([k]) => csvCell(r[k] ?? null)).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function datasetJson(d: Dataset, licence: string): string {
  return JSON.stringify({ updated_at: d.updatedAt, licence, fields: Object.fromEntries(d.fields), rows: d.rows }, null, 2);
}

export const OPEN_DATA_LICENCE = '知识共享署名 4.0 国际许可协议（CC BY 4.0）：可自由使用、转载，请注明来源';
