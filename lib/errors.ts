import { createTranslator } from 'use-intl/core';
import type { z } from 'zod';
import en from '@/lib/i18n/messages/errors.en.json';
import type { Locale } from '@/lib/i18n/locale';
import { MESSAGES } from '@/lib/i18n/messages';

/**
 * Every refusal the domain states is an AppError: a code (a key of the `errors` namespace,
 * lib/i18n/messages/errors.*.json, so the UI translates it and a test checks both languages
 * have it), the field it belongs to, the values its text needs. Its `message` is the English
 * text, for the API, the CLI and logs. Nothing reads an error's text back to find out what
 * it was. Model: documenso's AppError.
 */
export type ErrorCode = keyof typeof en.errors;

export type ErrorParams = Record<string, string | number>;

/** One thing wrong with the input, or the reason for a refusal. */
export type Problem = { code: ErrorCode; field?: string; params?: ErrorParams };

export class AppError extends Error {
  readonly problems: Problem[];
  /** Data the caller may show with the error (the invalid numbers of a send, say). */
  readonly details: unknown;

  constructor(code: ErrorCode, options: { field?: string; params?: ErrorParams; details?: unknown; more?: Problem[] } = {}) {
    const first: Problem = { code, field: options.field, params: options.params };
    super(problemText(first, 'en'));
    this.name = 'AppError';
    this.problems = [first, ...(options.more ?? [])];
    this.details = options.details;
  }

  get code(): ErrorCode {
    return this.problems[0].code;
  }

  get field(): string | undefined {
    return this.problems[0].field;
  }

  /** All problems, "field: text" in English, for the API and the CLI. */
  describe(): string {
    return this.problems.map((p) => (p.field ? `${p.field}: ${problemText(p, 'en')}` : problemText(p, 'en'))).join('; ');
  }

  /** A zod failure: one problem per issue, at its field. A schema names a code as its message. */
  static fromZod(error: z.ZodError): AppError {
    const problems = error.issues.map((issue): Problem => {
      const field = issue.path.length ? issue.path.map(String).join('.') : undefined;
      // A size check's bound goes to the text ("at most {max}").
      const bound: ErrorParams = 'maximum' in issue ? { max: Number(issue.maximum) } : 'minimum' in issue ? { min: Number(issue.minimum) } : {};
      if (isErrorCode(issue.message)) return { code: issue.message, field, params: bound };
      return { code: 'invalid_value', field, params: { ...bound, detail: issue.message } };
    });
    const [first, ...more] = problems;
    return new AppError(first.code, { field: first.field, params: first.params, more });
  }
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(en.errors, value);
}

/** The text of a problem in a language. */
export function problemText(problem: Problem, locale: Locale): string {
  const t = createTranslator({ locale, messages: MESSAGES[locale] as typeof en, namespace: 'errors' });
  return t(problem.code, problem.params as never);
}

/** Parses with a zod schema; a failure is an AppError with every problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw AppError.fromZod(result.error);
  return result.data;
}
