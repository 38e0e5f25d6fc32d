/**
 * Fixed vocabularies of the campaign, as the county plans name them. Codes are stored in the
 * database; labels are what people read. The words themselves are data, in ./vocabularies.json
 * (each code once, as a key, so its type is the file's keys); this module gives them as lists.
 * Shared by the server, forms, seed and tests.
 */
import vocabularies from './vocabularies.json' with { type: 'json' };

export interface Term<C extends string = string> {
  readonly code: C;
  readonly label: string;
  /** One plain sentence for residents. */
  readonly hint: string;
}

type Entries<C extends string> = Readonly<Record<C, { readonly label: string; readonly hint: string }>>;

/** A vocabulary of ./vocabularies.json as a list, in the file's order (the order forms show). */
function terms<C extends string>(entries: Entries<C>): readonly Term<C>[] {
  return (Object.keys(entries) as C[]).map((code) => ({ code, label: entries[code].label, hint: entries[code].hint }));
}

export type ProblemClass = keyof typeof vocabularies.problemClasses;
export const PROBLEM_CLASSES = terms<ProblemClass>(vocabularies.problemClasses);

/** The kinds a citizen can pick when reporting (the hotline's list). */
export const REPORTABLE_CLASSES: readonly ProblemClass[] = [
  'house', 'lake', 'greenhouse', 'villa', 'golf', 'greening', 'soil', 'paving', 'other',
];

export type Measure = keyof typeof vocabularies.measures;
export const MEASURES = terms<Measure>(vocabularies.measures);

export type Outcome = keyof typeof vocabularies.outcomes;
export const OUTCOMES = terms<Outcome>(vocabularies.outcomes);

/**
 * Why a published notice was withdrawn, as the public reads it. A category only: the staff
 * member's own words go to the audit log, since they may name the people the notice masked.
 */
export type WithdrawReason = keyof typeof vocabularies.withdrawReasons;
export const WITHDRAW_REASONS = terms<WithdrawReason>(vocabularies.withdrawReasons);

export const ENFORCEMENT_STEPS = ['立案', '下达责令改正通知书', '行政处罚', '罚款', '拆除', '复垦', '移送公安机关', '移送纪检监察机关', '验收'] as const;

export function labelOf(list: readonly Term[], code: string | null | undefined): string {
  if (!code) return '—';
  return list.find((t) => t.code === code)?.label ?? code;
}

/**
 * The oldest problems the campaign takes up: inspection and satellite findings since 2018. A
 * rectification, a verification or an enforcement step dated before it is a typo.
 */
export const EARLIEST_PROBLEM_DATE = '2018-01-01';
