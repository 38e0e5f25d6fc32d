import type { APIRoute } from 'astro';
import { ledgerTemplateCsv } from '../../../domain/ledger/import-template.ts';
import { guardStaffEndpoint } from '../../../domain/accounts/page-guard.ts';

/** The import template, for whoever imports the ledger (the middleware has refused anonymous visitors). */
export const GET: APIRoute = ({ locals }) => {
  const user = guardStaffEndpoint(locals.user, 'ledger.import');
  if (user instanceof Response) return user;
  return new Response(ledgerTemplateCsv(), { headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="ledger-template.csv"' } });
};
