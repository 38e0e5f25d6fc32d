import { z } from 'astro/zod';
import { jurisdiction } from '../../config/jurisdiction.ts';
import { PROBLEM_CLASSES } from '../../shared/taxonomy.ts';

const townshipCodes = jurisdiction.townships.map((t) => t.code) as [string, ...string[]];
const classCodes = PROBLEM_CLASSES.map((c) => c.code) as [string, ...string[]];

/** Query string of /cases/. Unknown values are dropped rather than rejected: a stale link still works. */
export const caseFilterSchema = z.object({
  /** Township code from the jurisdiction config. */
  township: z.enum(townshipCodes).optional().catch(undefined),
  /** Problem class code from the taxonomy. */
  class: z.enum(classCodes).optional().catch(undefined),
  /** 1-based page number. */
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});

export type CaseFilter = z.infer<typeof caseFilterSchema>;

export function parseCaseFilter(params: URLSearchParams): CaseFilter {
  return caseFilterSchema.parse({
    township: params.get('township') || undefined,
    class: params.get('class') || undefined,
    page: params.get('page') ?? undefined,
  });
}
