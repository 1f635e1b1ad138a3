import type { SessionUser } from "./session-user";

export type Role = SessionUser["role"];

/** Who changes things: a viewer reads and downloads, and changes nothing. */
export const WRITERS: readonly Role[] = ["owner", "member"];
/** For a user's own preferences (their language, their saved views): a viewer keeps those too. */
export const EVERY_ROLE: readonly Role[] = ["owner", "member", "viewer"];

/**
 * Whether a page shows this user the controls that change things. Only what they see: the gates
 * (lib/gates) refuse a viewer's action or request whatever the page showed.
 */
export function canWrite(user: { role: Role }): boolean {
  return WRITERS.includes(user.role);
}
