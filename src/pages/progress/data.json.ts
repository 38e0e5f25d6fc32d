import type { APIRoute } from 'astro';
import { getPublicProgressReport } from '../../domain/ledger/progress-report.ts';
import { PROGRESS_COLUMNS, flattenProgress } from '../../domain/ledger/progress-export.ts';
import { setPublicCaching } from '../../domain/site/public-page.ts';

export const GET: APIRoute = async ({ locals }) => {
  const report = await getPublicProgressReport(locals.db, locals.publicCache);
  const body = {
    updated_at: report.updatedAt,
    generated_at: report.generatedAt,
    as_of: report.today,
    demo: report.hasDemo
      ? '图斑数量和面积为真实数据；自报整改、核验销号数和销号率为演示数据'
      : null,
    fields: Object.fromEntries(PROGRESS_COLUMNS),
    rows: flattenProgress(report),
  };
  const headers = new Headers({ 'Content-Type': 'application/json; charset=utf-8' });
  setPublicCaching(headers);
  return new Response(JSON.stringify(body, null, 2), { headers });
};
