import rss from '@astrojs/rss';
import type { APIRoute } from 'astro';
import { jurisdiction, findTownship } from '../../config/jurisdiction.ts';
import { labelOf, OUTCOMES, PROBLEM_CLASSES } from '../../shared/taxonomy.ts';
import { getNoticePage } from '../../domain/notices/public-notices.ts';
import { setPublicCaching } from '../../domain/site/public-page.ts';
import { siteOrigin } from '../../domain/site/site-origin.ts';

export const GET: APIRoute = async (context) => {
  const { notices } = await getNoticePage(context.locals.db, context.locals.publicCache, {}, 1, 50);
  const response = await rss({
    title: `${jurisdiction.countyName}耕地保护典型案例通报`,
    description: `${jurisdiction.countyName}违法违规占用耕地典型案例及处理结果`,
    site: siteOrigin(context.url),
    customData: '<language>zh-cn</language>',
    items: notices.map((n) => ({
      title: n.isDemo ? `【演示】${n.title}` : n.title,
      link: `/cases/${n.id}/`,
      pubDate: n.publishedAt,
      description: `${findTownship(n.township)?.name ?? n.township}${n.village ?? ''}；${labelOf(PROBLEM_CLASSES, n.problemClass)}；处理结果：${labelOf(OUTCOMES, n.outcome)}。${n.body}`,
      categories: [labelOf(PROBLEM_CLASSES, n.problemClass)],
    })),
  });
  setPublicCaching(response.headers);
  return response;
};
