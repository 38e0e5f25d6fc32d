import type { APIRoute } from 'astro';
import { getPublicProgressReport } from '../../lib/server/progress-report.ts';
import { flattenProgress, toCsv } from '../../lib/progress-export.ts';
import { setPublicCaching } from '../../server/public-page.ts';

export const GET: APIRoute = async ({ locals }) => {
  const report = await getPublicProgressReport(locals.db, locals.publicCache);
  const headers = new Headers({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="progress-${report.today}.csv"`,
  });
  setPublicCaching(headers);
  return new Response(toCsv(flattenProgress(report)), { headers });
};
