/**
 * The errors a service function throws, named by what went wrong rather than by the area that
 * first needed them, and each with the Chinese words the person acting reads (the Actions turn
 * them into 400, 403 and 404: src/actions/guard.ts).
 */

/** What someone asked for that may not exist: its Chinese name with its measure word. */
export const SUBJECTS = {
  report: '这件举报',
  notice: '这份案例通报',
  ledgerItem: '这个台账图斑',
  ledgerImport: '这个导入文件',
  bulletin: '这期调度通报',
  account: '这个账号',
} as const;

export type Subject = keyof typeof SUBJECTS;

/** Input that breaks a rule; each problem is one sentence for the error summary. */
export class InputError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('；'));
    this.problems = problems;
  }
}

/** The person acting may not do this. */
export class ForbiddenError extends Error {
  constructor(message = '您无权进行这项操作') {
    super(message);
  }
}

/** What the act is about does not exist (or is not there any more). */
export class NotFoundError extends Error {
  readonly subject: Subject;
  constructor(subject: Subject) {
    super(`没有找到${SUBJECTS[subject]}`);
    this.subject = subject;
  }
}

/** True when the error means the database is unreachable (not a bug in a query). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  const codes = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '08006', '08001', '08003', '53300'];
  if (e.code && codes.includes(e.code)) return true;
  // The last two: a query on a client whose connection broke while a request held it.
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|the database system is (starting|shutting) up|Client has encountered a connection error and is not queryable|Client was closed and is not queryable/i.test(
    e.message ?? '',
  );
}
