import { z } from 'astro/zod';
import { jurisdiction } from '../../config/jurisdiction.ts';
import { PROBLEM_CLASSES } from '../../shared/taxonomy.ts';
import { REPORT_STATES, type ReportState } from './workflow.ts';
import { isRealIsoDate } from '../../shared/text-safety.ts';

/** The queue's filters, as the queries read them (every one optional). */
export interface QueueFilter {
  status?: ReportState;
  problemClass?: string;
  township?: string;
  overdue?: boolean;
  hasPhotos?: boolean;
  /** YYYY-MM-DD, China time, inclusive. */
  from?: string;
  to?: string;
}

// Only a day that exists: 2026-13-45 would otherwise reach PostgreSQL as an invalid timestamp (a 500).
const date = z.string().refine(isRealIsoDate).optional().catch(undefined);

/** Query string of the staff queue. Unknown values are ignored, so a stale link still works. */
const schema = z.object({
  status: z.enum(REPORT_STATES).optional().catch(undefined),
  class: z.enum(PROBLEM_CLASSES.map((c) => c.code) as [string, ...string[]]).optional().catch(undefined),
  township: z.enum(jurisdiction.townships.map((t) => t.code) as [string, ...string[]]).optional().catch(undefined),
  overdue: z.literal('1').optional().catch(undefined),
  photos: z.literal('1').optional().catch(undefined),
  from: date,
  to: date,
});

export function parseQueueFilter(params: URLSearchParams): QueueFilter {
  const raw = Object.fromEntries([...params.entries()].filter(([, v]) => v !== ''));
  const f = schema.parse(raw);
  return {
    status: f.status,
    problemClass: f.class,
    township: f.township,
    overdue: f.overdue === '1',
    hasPhotos: f.photos === '1',
    from: f.from,
    to: f.to,
  };
}

export function queueFilterToParams(f: QueueFilter): URLSearchParams {
  const p = new URLSearchParams();
  if (f.status) p.set('status', f.status);
  if (f.problemClass) p.set('class', f.problemClass);
  if (f.township) p.set('township', f.township);
  if (f.overdue) p.set('overdue', '1');
  if (f.hasPhotos) p.set('photos', '1');
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  return p;
}
