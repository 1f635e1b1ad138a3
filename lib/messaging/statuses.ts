// The provider's delivery statuses (shared/spec/statuses.md).
export const STATUS = {
  NOT_FOUND: 401,
  EXPIRED: 402,
  SENT: 403,
  DELIVERED: 404,
  UNDELIVERED: 405,
  FAILED: 406,
  REJECTED: 407,
  UNKNOWN: 408,
  QUEUE: 409,
  ACCEPTED: 410,
  RENEWAL: 411,
  STOP: 412,
} as const;

export type StatusName = keyof typeof STATUS;
export type StatusCode = (typeof STATUS)[StatusName];

export const STATUS_CODES = Object.values(STATUS) as StatusCode[];
/** Still awaiting a delivery report. */
export const PENDING_STATUSES: readonly StatusCode[] = [STATUS.SENT, STATUS.QUEUE, STATUS.ACCEPTED, STATUS.RENEWAL];
/** Handed to an operator, no final report yet. */
export const AWAITING_REPORT_STATUSES: readonly StatusCode[] = [STATUS.SENT, STATUS.ACCEPTED, STATUS.RENEWAL];
/** Final and not delivered (a stop is not a failure: the message was never sent). */
export const FAILED_STATUSES: readonly StatusCode[] = [STATUS.UNDELIVERED, STATUS.FAILED, STATUS.REJECTED, STATUS.EXPIRED, STATUS.UNKNOWN, STATUS.NOT_FOUND];

export function isFinalStatus(code: number): boolean {
  return !(PENDING_STATUSES as readonly number[]).includes(code);
}

export function statusName(code: number): StatusName | undefined {
  return (Object.keys(STATUS) as StatusName[]).find((name) => STATUS[name] === code);
}

export function isStatusCode(code: number): code is StatusCode {
  return (STATUS_CODES as number[]).includes(code);
}
