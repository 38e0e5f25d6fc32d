import type { APIRoute } from 'astro';
import { ledgerTemplateCsv } from '../../../lib/ledger-import.ts';

export const GET: APIRoute = () =>
  new Response(ledgerTemplateCsv(), { headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="ledger-template.csv"' } });
