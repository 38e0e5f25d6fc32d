import type { APIRoute } from 'astro';
import { setPublicCaching } from '../../domain/site/public-page.ts';
import { bulletinsDataset, datasetCsv, datasetJson, noticesDataset, OPEN_DATA_LICENCE } from '../../domain/bulletins/open-data.ts';

const DATASETS = { notices: noticesDataset, bulletins: bulletinsDataset } as const;

/** /open-data/notices.csv, notices.json, bulletins.csv, bulletins.json */
export const GET: APIRoute = async ({ params, locals }) => {
  const m = /^(notices|bulletins)\.(csv|json)$/.exec(params.file ?? '');
  if (!m) return new Response('没有这个数据文件', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const [, name, format] = m as unknown as [string, keyof typeof DATASETS, 'csv' | 'json'];
  const data = await locals.publicCache.read(`open-data:${name}`, () => DATASETS[name](locals.db));
  const headers = new Headers(
    format === 'csv'
      ? { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}.csv"` }
      : { 'Content-Type': 'application/json; charset=utf-8' },
  );
  setPublicCaching(headers);
  return new Response(format === 'csv' ? datasetCsv(data) : datasetJson(data, OPEN_DATA_LICENCE), { headers });
};
