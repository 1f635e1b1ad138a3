import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import { getLocale } from 'next-intl/server';
import type { z } from 'zod';
import { isConnectionError } from '@/db';
import { requireUser, type SessionUser } from '@/lib/auth';
import { EVERY_ROLE, WRITERS, type Role } from '@/lib/auth/roles';
import { AppError, problemText, type ErrorCode } from '@/lib/errors';
import { isLocale, DEFAULT_LOCALE } from '@/lib/i18n/locale';
import { rememberOwnWrite } from './own-writes';

/**
 * The gate of every server action (model: saas-starter's validatedActionWithUser): the
 * signed-in user (no session: the sign-in redirect), the input parsed strictly with the
 * action's zod schema, the user's role checked (owners and members unless the action names its
 * roles), and every refusal returned as a translated
 * state: the domain throws AppError, the gate turns its codes into text beside their fields.
 * An action body holds no auth preamble and no try/catch of its own. After it succeeds, the user's
 * next reads wait for what it wrote if a replica serves them (own-writes.ts).
 */

export type ActionProblem = { code: ErrorCode; field?: string; message: string };
export type ActionFailure = { ok: false; code: ErrorCode; message: string; problems: ActionProblem[]; details?: unknown };
export type ActionResult<T extends object = object> = ({ ok: true } & T) | ActionFailure;

type GateOptions = { roles?: readonly Role[] };

export { EVERY_ROLE };
type Body<S extends z.ZodType, T> = (input: z.output<S>, user: SessionUser) => Promise<T>;

/** An action called with a value (a form's state in a client component, a button's id). */
export function userAction<S extends z.ZodType, T extends object>(schema: S, body: Body<S, T>, options: GateOptions = {}) {
  return (input: z.input<S>): Promise<ActionResult<T>> => run(schema, input, body, options);
}

/** An action a <form> posts through useActionState: (previous state, FormData). */
export function userFormAction<S extends z.ZodType, T extends object>(schema: S, body: Body<S, T>, options: GateOptions = {}) {
  return (_previous: ActionResult<T> | null, formData: FormData): Promise<ActionResult<T>> => run(schema, formFields(formData), body, options);
}

/** The form's own fields: React's and Next's `$ACTION_…` entries are not input. */
function formFields(formData: FormData): Record<string, FormDataEntryValue> {
  return Object.fromEntries([...formData.entries()].filter(([name]) => !name.startsWith('$ACTION')));
}

async function run<S extends z.ZodType, T extends object>(schema: S, raw: unknown, body: Body<S, T>, options: GateOptions): Promise<ActionResult<T>> {
  const user = await requireUser();
  try {
    if (!(options.roles ?? WRITERS).includes(user.role)) throw new AppError(user.role === 'viewer' ? 'read_only' : 'forbidden');
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw AppError.fromZod(parsed.error);
    const result = await body(parsed.data, user);
    await rememberOwnWrite();
    return { ok: true, ...result };
  } catch (error) {
    try {
      unstable_rethrow(error); // redirect() and notFound() are answers, not failures
    } catch (answer) {
      await rememberOwnWrite(); // an action that redirects has done its work
      throw answer;
    }
    return failure(error);
  }
}

async function failure(error: unknown): Promise<ActionFailure> {
  const known =
    error instanceof AppError ? error : new AppError(isConnectionError(error) ? 'unavailable' : 'failed');
  if (!(error instanceof AppError)) console.error('server action failed', error);
  const requested = await getLocale();
  const locale = isLocale(requested) ? requested : DEFAULT_LOCALE;
  const problems = known.problems.map((p) => ({ code: p.code, field: p.field, message: problemText(p, locale) }));
  return { ok: false, code: known.code, message: problems[0].message, problems, details: known.details };
}
