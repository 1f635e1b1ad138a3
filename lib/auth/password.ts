import { hash, verify } from '@node-rs/argon2';
import { AppError } from '@/lib/errors';

// OWASP Password Storage cheat sheet: Argon2id, m=19 MiB, t=2, p=1.
const ARGON2ID = 2; // Algorithm.Argon2id (a const enum, not importable under isolatedModules)
const options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

/**
 * Each Argon2id run takes tens of milliseconds of a core and 19 MiB: at most `concurrent` run at
 * once in this process and at most `queued` wait for a turn. A check beyond that is refused as
 * busy (AppError 'busy') at once, so a burst of sign-ins cannot pile up CPU and memory.
 */
export const PASSWORD_HASHING = { concurrent: 4, queued: 32 } as const;

let running = 0;
const waiting: (() => void)[] = [];

async function inHashingSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= PASSWORD_HASHING.concurrent) {
    if (waiting.length >= PASSWORD_HASHING.queued) throw new AppError('busy');
    // A finishing run hands its slot straight to the next in line (running stays the same).
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running++;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string): Promise<string> {
  return inHashingSlot(() => hash(password, options));
}

/** Whether the password matches the hash; throws AppError 'busy' when too many checks are under way. */
export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return inHashingSlot(async () => {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  });
}

let dummyHash: Promise<string> | undefined;
// Verifying against a throwaway hash when the user does not exist keeps the response time the
// same, so timing does not reveal which e-mail addresses have accounts.
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('not-a-real-password-0000').catch((error: unknown) => {
    dummyHash = undefined; // refused as busy: the next check makes it again
    throw error;
  });
  await verifyPassword(await dummyHash, password);
}
