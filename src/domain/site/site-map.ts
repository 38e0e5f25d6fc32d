/**
 * Every public page, for the sitemaps (search engines) and the 网站地图 page (people): one list,
 * so the two never disagree. lastmod is the date the page's content last changed where the data
 * says so (a notice's publication, the ledger's last change, a document's publication), else the
 * date the site was built.
 */
import { chinaDateOf } from '../../shared/china-time.ts';
import { getCollection } from 'astro:content';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/database.ts';
import type { PublicCache } from '../../server/public-cache.ts';
import { listBulletins } from '../bulletins/bulletins.ts';
import { getNoticePage } from '../notices/public-notices.ts';
import { getPublicProgressReport } from '../ledger/progress-report.ts';

export interface SiteEntry {
  path: string;
  title: string;
  /** YYYY-MM-DD in China. */
  lastmod: string;
}

export interface SiteSection {
  /** Which sitemap file holds it: pages change with a deploy, cases with each publication. */
  sitemap: 'pages' | 'cases';
  title: string;
  entries: SiteEntry[];
}

/** The day this instance started (a deploy restarts it): the date of pages whose content only a deploy changes. */
const BUILT_ON = chinaDateOf(new Date());

const latest = (dates: ReadonlyArray<string | null | undefined>, fallback = BUILT_ON): string =>
  dates.filter((d): d is string => Boolean(d)).sort().at(-1) ?? fallback;

export function listSiteSections(db: Kysely<Database>, cache: PublicCache): Promise<SiteSection[]> {
  return cache.read('site-map', async () => {
    const [policies, law, notices, bulletins, progress] = await Promise.all([
      getCollection('policies'),
      getCollection('law'),
      getNoticePage(db, cache, {}, 1, 1000),
      listBulletins(db, true),
      getPublicProgressReport(db, cache),
    ]);
    const progressDay = progress.updatedAt ? chinaDateOf(new Date(progress.updatedAt)) : null;
    const policyDays = policies.map((p) => chinaDateOf(p.data.publishedDate));
    const caseDays = notices.notices.map((n) => chinaDateOf(n.publishedAt));
    const bulletinDays = bulletins.map((b) => (b.published_at ? chinaDateOf(new Date(b.published_at)) : null));
    return [
      {
        sitemap: 'pages',
        title: '首页和服务',
        entries: [
          { path: '/', title: '首页', lastmod: latest([progressDay, ...caseDays]) },
          { path: '/report/', title: '我要举报', lastmod: BUILT_ON },
          { path: '/track/', title: '查询办理进度', lastmod: BUILT_ON },
          { path: '/open-data/', title: '开放数据', lastmod: latest([progressDay, ...caseDays, ...bulletinDays]) },
          { path: '/sitemap/', title: '网站地图', lastmod: BUILT_ON },
        ],
      },
      {
        sitemap: 'pages',
        title: '政策文件',
        entries: [
          { path: '/policies/', title: '政策文件', lastmod: latest(policyDays) },
          ...policies.map((p) => ({ path: `/policies/${p.id}/`, title: p.data.title, lastmod: chinaDateOf(p.data.publishedDate) })),
        ],
      },
      {
        sitemap: 'pages',
        title: '法律法规',
        entries: [{ path: '/law/', title: '法律法规', lastmod: BUILT_ON }, ...law.sort((a, b) => a.data.order - b.data.order).map((l) => ({ path: `/law/${l.id}/`, title: l.data.title, lastmod: BUILT_ON }))],
      },
      {
        sitemap: 'pages',
        title: '整改进度',
        entries: [
          { path: '/progress/', title: '整改进度', lastmod: latest([progressDay]) },
          { path: '/progress/bulletins/', title: '月调度通报', lastmod: latest(bulletinDays) },
          ...bulletins.map((b, i) => ({ path: `/progress/bulletins/${b.id}/`, title: b.title, lastmod: bulletinDays[i] ?? BUILT_ON })),
        ],
      },
      {
        sitemap: 'cases',
        title: '典型案例',
        entries: [
          { path: '/cases/', title: '典型案例', lastmod: latest(caseDays) },
          ...notices.notices.map((n, i) => ({ path: `/cases/${n.id}/`, title: n.isDemo ? `【演示】${n.title}` : n.title, lastmod: caseDays[i]! })),
        ],
      },
    ];
  });
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** One sitemap file: the entries of its sections, as absolute addresses. */
export function urlsetXml(origin: string, entries: readonly SiteEntry[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' +
    entries.map((e) => `  <url><loc>${escapeXml(origin + e.path)}</loc><lastmod>${e.lastmod}</lastmod></url>`).join('\n') +
    '\n</urlset>\n'
  );
}

/** The sitemap index: each sitemap file with the newest lastmod of its entries. */
export function sitemapIndexXml(origin: string, sections: readonly SiteSection[]): string {
  const files = (['pages', 'cases'] as const).map((name) => ({ name, lastmod: latest(sections.filter((s) => s.sitemap === name).flatMap((s) => s.entries.map((e) => e.lastmod))) }));
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' +
    files.map((f) => `  <sitemap><loc>${escapeXml(`${origin}/sitemap-${f.name}.xml`)}</loc><lastmod>${f.lastmod}</lastmod></sitemap>`).join('\n') +
    '\n</sitemapindex>\n'
  );
}
