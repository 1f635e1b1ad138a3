/** After how many permanent failures in a row a number may be suppressed (lib/contacts/suppressions.ts), read in the browser too. */
export const SUPPRESS_AFTER = { min: 1, max: 20, default: 3 } as const;
