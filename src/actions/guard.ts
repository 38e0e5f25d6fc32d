/** What every staff Action starts with: who is signed in, and may their role do this. */
import { ActionError, defineAction, type ActionAPIContext } from 'astro:actions';
import type { z } from 'astro/zod';
import type { Kysely } from 'kysely';
import { requestClientKey } from '../server/client-address.ts';
import { getDb } from '../server/db.ts';
import type { Database } from '../server/database.ts';
import { GENERIC_SYSTEM_ERROR } from '../shared/form-errors.ts';
import type { StaffUser } from '../domain/accounts/auth.ts';
import { ForbiddenError, NotFoundError, InputError, isDatabaseUnavailable } from '../shared/errors.ts';
import { TransitionError } from '../domain/reports/workflow.ts';
import { can, refusalFor, type Permission } from '../shared/permissions.ts';

/** The signed-in user, once the permission table lets them do `permission` at all (the row's reach is the service's to check). */
export function requireStaff(context: ActionAPIContext, permission: Permission): StaffUser {
  const user = context.locals.user;
  if (!user) throw new ActionError({ code: 'UNAUTHORIZED', message: '请先登录' });
  if (!can(user, permission)) throw new ActionError({ code: 'FORBIDDEN', message: refusalFor(permission) });
  return user;
}

/** What a staff Action's act is handed: the database, the signed-in user its permission let through, the parsed form, the request. */
export interface StaffActArgs<I> {
  db: Kysely<Database>;
  user: StaffUser;
  input: I;
  context: ActionAPIContext;
}

/** A form Action whose work runs guarded: domain errors become Action errors with Chinese messages. */
function formAction<S extends z.ZodType, R>(input: S, work: (parsed: z.output<S>, context: ActionAPIContext) => Promise<R>) {
  const handler = (parsed: z.output<S>, context: ActionAPIContext): Promise<R> => guarded(() => work(parsed, context));
  // Astro's handler type is conditional on the schema, which TypeScript cannot resolve for a
  // generic S; for any concrete schema it is exactly this handler's type.
  return defineAction<R, 'form', S>({ accept: 'form', input, handler: handler as Parameters<typeof defineAction<R, 'form', S>>[0]['handler'] });
}

/**
 * A staff form Action, in the one shape they all share: Astro parses the form with `input`, the
 * signed-in user must hold `permission` (or the one the input names: a workflow act), and `act`
 * calls the service and answers where to go next. A domain error becomes an Action error with a
 * fitting status and its Chinese message (guarded).
 */
export function staffAction<S extends z.ZodType, R>(
  input: S,
  permission: Permission | ((input: z.output<S>) => Permission),
  act: (args: StaffActArgs<z.output<S>>) => Promise<R>,
) {
  return formAction(input, (parsed, context) => {
    const user = requireStaff(context, typeof permission === 'function' ? permission(parsed) : permission);
    return act({ db: getDb(), user, input: parsed, context });
  });
}

/**
 * A form Action for someone not yet signed in (sign-in, the custodian's first password): no
 * permission to hold, but the client's key (hashed at once) for the rate limit that guards it.
 */
export function signedOutAction<S extends z.ZodType, R>(
  input: S,
  act: (args: { db: Kysely<Database>; input: z.output<S>; context: ActionAPIContext; client: string }) => Promise<R>,
) {
  return formAction(input, (parsed, context) => act({ db: getDb(), input: parsed, context, client: requestClientKey(context) }));
}

/** A client over its limit: the refusal, with the wait the middleware sends as Retry-After. */
export function tooManyAttempts(context: { locals: Pick<App.Locals, 'retryAfter'> }, retryAfterSeconds: number, message: string): ActionError {
  context.locals.retryAfter = retryAfterSeconds;
  return new ActionError({ code: 'TOO_MANY_REQUESTS', message });
}

/**
 * After an Action changed what the public sees (a notice, a bulletin, the ledger): this process's
 * cached data and pages go before the answer does, so the very next GET shows the change.
 */
export function purgePublicCopies(context: ActionAPIContext): void {
  context.locals.publicCache.purge();
}

/** Domain errors become Action errors with fitting HTTP statuses and Chinese messages. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ActionError) throw err;
    if (err instanceof InputError) throw new ActionError({ code: 'BAD_REQUEST', message: err.message });
    if (err instanceof ForbiddenError) throw new ActionError({ code: 'FORBIDDEN', message: err.message });
    if (err instanceof NotFoundError) throw new ActionError({ code: 'NOT_FOUND', message: err.message });
    if (err instanceof TransitionError) throw new ActionError({ code: 'CONFLICT', message: err.message });
    if (isDatabaseUnavailable(err)) throw new ActionError({ code: 'SERVICE_UNAVAILABLE', message: '系统暂时无法保存，请稍后再试。' });
    // A bug, not the user's doing: the operator needs the stack, the user a plain sentence (an
    // exception's text can name tables and values, so it never reaches the page).
    console.error('[action] unexpected error:', err);
    throw new ActionError({ code: 'INTERNAL_SERVER_ERROR', message: GENERIC_SYSTEM_ERROR });
  }
}


/**
 * An input error found after the schema passed (a photo that cannot be decoded, known only once
 * the submission was let in): the page shows it beside its field, as it shows the schema's own.
 * Astro makes such errors only from a schema; this one has the same shape (`type` and `issues`),
 * which is what survives the trip from the Action to the page and to fetch callers.
 */
export function fieldInputError(field: string, messages: readonly string[]): ActionError {
  const error = new ActionError({ code: 'BAD_REQUEST', message: messages[0] ?? '' });
  return Object.assign(error, {
    type: 'AstroActionInputError',
    issues: messages.map((message) => ({ code: 'custom', path: [field], message })),
    fields: { [field]: [...messages] },
  });
}
