import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  addSenderName,
  createAccount,
  createUser,
  requireAccountByName,
  requireUserByEmail,
  setUserDisabled,
  setUserPassword,
  USER_ROLES,
} from '@/lib/accounts';
import { createApiToken } from '@/lib/auth/api-tokens';
import { addPoints } from '@/lib/ledger';
import { formatPoints, parsePoints } from '@/lib/messaging';
import { AppError } from '@/lib/errors';

export type AdminResult = { lines: string[]; json: Record<string, unknown> };

const USAGE = `Usage: npm run admin -- <command> [options] [--json]
  account:create --name NAME [--country BG] [--timezone Europe/Sofia] [--points N]
  user:create    --account NAME --email E --password P [--role owner|member|viewer] [--name NAME] [--language en|bg]
  user:password  --email E --password P     (ends the user's sessions)
  user:disable   --email E                  (ends the user's sessions)
  user:enable    --email E
  token:create   --email E [--name LABEL]   (prints the token once, as the last line)
  points:add     --account NAME --points N  (a ledger entry; a correction is negative: --points=-1.5)
  sender:add     --account NAME --name SENDER`;

const options = {
  name: { type: 'string' },
  country: { type: 'string' },
  timezone: { type: 'string' },
  points: { type: 'string' },
  account: { type: 'string' },
  email: { type: 'string' },
  password: { type: 'string' },
  role: { type: 'string' },
  language: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

type Values = { [K in keyof typeof options]?: (typeof options)[K]['type'] extends 'boolean' ? boolean : string };

function required(values: Values, key: keyof Values): string {
  const value = values[key];
  if (typeof value !== 'string' || value.trim() === '') throw new AppError('option_required', { params: { option: key } });
  return value;
}

function points(text: string): number {
  const negative = text.trim().startsWith('-');
  const units = parsePoints(negative ? text.trim().slice(1) : text);
  if (units === 0) throw new AppError('points_zero');
  return negative ? -units : units;
}

export function parseAdminArgs(argv: string[]): { command: string | undefined; values: Values } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true, allowNegative: false });
    if (positionals.length > 1) throw new AppError('usage', { params: { detail: `Unexpected argument: ${positionals[1]}` } });
    return { command: positionals[0], values };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('usage', { params: { detail: (error as Error).message } });
  }
}

export async function runAdminCommand(argv: string[]): Promise<AdminResult> {
  const { command, values } = parseAdminArgs(argv);
  switch (values.help ? 'help' : command) {
    case 'account:create': {
      const account = await createAccount({ name: required(values, 'name'), country: values.country, timeZone: values.timezone });
      let balance = 0;
      if (values.points) balance = (await addPoints({ accountId: account.id, amount: points(values.points), note: 'Opening balance' })).balance;
      return {
        lines: [`Created account "${account.name}" (id ${account.id}, ${account.country}, ${account.timeZone}), balance ${formatPoints(balance, 'en')} points`],
        json: { id: account.id, name: account.name, country: account.country, timeZone: account.timeZone, balanceUnits: balance },
      };
    }
    case 'user:create': {
      const account = await requireAccountByName(required(values, 'account'));
      const role = z.enum(USER_ROLES).default('member').safeParse(values.role);
      if (!role.success) throw new AppError('usage', { params: { detail: `--role must be ${USER_ROLES.join(', ')}` } });
      const language = z.enum(['en', 'bg']).optional().safeParse(values.language);
      if (!language.success) throw new AppError('usage', { params: { detail: '--language must be en or bg' } });
      const user = await createUser({
        accountId: account.id,
        email: required(values, 'email'),
        password: required(values, 'password'),
        name: values.name,
        role: role.data,
        language: language.data ?? null,
      });
      return {
        lines: [`Created ${user.role} ${user.email} (id ${user.id}) in account "${account.name}"`],
        json: { id: user.id, email: user.email, role: user.role, account: account.name },
      };
    }
    case 'user:password': {
      const user = await requireUserByEmail(required(values, 'email'));
      await setUserPassword(user.id, required(values, 'password'));
      return { lines: [`Password changed for ${user.email}; their existing sessions have ended`], json: { id: user.id, email: user.email } };
    }
    case 'user:disable':
    case 'user:enable': {
      const user = await requireUserByEmail(required(values, 'email'));
      const disabled = command === 'user:disable';
      await setUserDisabled(user.id, disabled);
      return { lines: [`${user.email} is now ${disabled ? 'disabled (sessions ended)' : 'enabled'}`], json: { id: user.id, email: user.email, disabled } };
    }
    case 'token:create': {
      const user = await requireUserByEmail(required(values, 'email'));
      if (user.disabled) throw new AppError('user_disabled', { params: { email: user.email } });
      const name = (values.name ?? 'CLI token').trim().slice(0, 60);
      const { id, token } = await createApiToken({ accountId: user.accountId, userId: user.id, name });
      return {
        lines: [`Created API token "${name}" (id ${id}) for ${user.email}. It is shown only this once:`, token],
        json: { id, name, email: user.email, token },
      };
    }
    case 'points:add': {
      const account = await requireAccountByName(required(values, 'account'));
      const amount = points(required(values, 'points'));
      const { balance } = await addPoints({ accountId: account.id, amount, note: 'Added by an operator' });
      return {
        lines: [`${amount > 0 ? 'Added' : 'Removed'} ${formatPoints(Math.abs(amount), 'en')} points; "${account.name}" now has ${formatPoints(balance, 'en')} points`],
        json: { account: account.name, amountUnits: amount, balanceUnits: balance },
      };
    }
    case 'sender:add': {
      const account = await requireAccountByName(required(values, 'account'));
      const sender = await addSenderName(account.id, required(values, 'name'));
      return {
        lines: [sender.id ? `Approved sender name "${sender.name}" for "${account.name}"` : `"${sender.name}" was already approved for "${account.name}"`],
        json: { account: account.name, name: sender.name, created: sender.id !== null },
      };
    }
    case undefined:
    case 'help':
      return { lines: [USAGE], json: { usage: USAGE } };
    default:
      throw new AppError('usage', { params: { detail: `Unknown command "${command}".\n${USAGE}` } });
  }
}
