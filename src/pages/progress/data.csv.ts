import type { APIRoute } from 'astro';
import { getPublicProgressReport } from '../../domain/ledger/progress-report.ts';
import { flattenProgress, toCsv } from '../../domain/ledger/progress-export.ts';
import { setPublicCaching } from '../../domain/site/public-page.ts';

export const GET: APIRoute = async ({ locals }) => {
  const report = await getPublicProgressReport(locals.db, locals.publicCache);
  const headers = new Headers({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="progress-${report.today}.csv"`,
  });
  setPublicCaching(headers);
  return new Response(toCsv(flattenProgress(report)), { headers });
};
