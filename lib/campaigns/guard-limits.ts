/** The failure guard's defaults and bounds (lib/campaigns/guard.ts), read by the send form in the browser too. */
export const GUARD_DEFAULTS = { failurePercent: 20, window: 200 } as const;
export const GUARD_LIMITS = { percent: { min: 1, max: 99 }, window: { min: 20, max: 10_000 } } as const;
