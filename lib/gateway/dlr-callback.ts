import { createHash, timingSafeEqual } from 'node:crypto';
import { isStatusCode } from '@/lib/messaging/statuses';
import { AppError } from '@/lib/errors';
import type { DeliveryReport } from './types';

/**
 * SMSAPI's delivery-report callback (to `notify_url`), as query or form parameters:
 * `MsgId`, `status` (401..412), `idx` (our message id, sent as idx), `donedate` (unix seconds),
 * `mcc`, `mnc`, `to`, `username`, `points`, … Several reports may come in one request, each
 * parameter then holding a comma-separated list, position i of every list belonging to report i.
 *
 * Throws AppError when the request as a whole is malformed (no MsgId, no status, lists of
 * different lengths). A single report that cannot be used (unknown status, no id at all) is
 * skipped, so one bad entry does not make the provider resend the others forever.
 */
export function parseSmsapiCallback(params: URLSearchParams, now: Date = new Date()): DeliveryReport[] {
  const msgIds = list(params, 'MsgId');
  if (!msgIds || msgIds.every((id) => id === '')) throw new AppError('parameter_missing', { field: 'MsgId', params: { name: 'MsgId' } });
  const count = msgIds.length;

  const statuses = list(params, 'status');
  if (!statuses) throw new AppError('parameter_missing', { field: 'status', params: { name: 'status' } });
  const idxs = list(params, 'idx');
  const doneDates = list(params, 'donedate');
  const mccs = list(params, 'mcc');
  const mncs = list(params, 'mnc');
  const errors = list(params, 'err') ?? list(params, 'error');

  for (const [name, values] of Object.entries({ status: statuses, idx: idxs, donedate: doneDates, mcc: mccs, mnc: mncs, err: errors })) {
    if (values && values.length !== count) {
      throw new AppError('parameter_count', { field: name, params: { name, values: values.length, count } });
    }
  }

  const reports: DeliveryReport[] = [];
  for (let i = 0; i < count; i++) {
    const status = /^\d+$/.test(statuses[i]) ? Number(statuses[i]) : NaN;
    if (!isStatusCode(status)) continue;
    const messageId = positiveInteger(idxs?.[i]);
    const gatewayMessageId = msgIds[i] || undefined;
    if (messageId === undefined && gatewayMessageId === undefined) continue;

    const seconds = positiveInteger(doneDates?.[i]);
    const doneAt = seconds === undefined ? new Date(now.getTime()) : new Date(seconds * 1000);
    const mcc = mccs?.[i];
    const mnc = mncs?.[i];
    const errorCode = errors?.[i] && /^\d+$/.test(errors[i]) ? Number(errors[i]) : null;

    const report: DeliveryReport = {
      status,
      doneAt: Number.isNaN(doneAt.getTime()) ? new Date(now.getTime()) : doneAt,
      errorCode,
      network: mcc && mnc && /^\d+$/.test(mcc) && /^\d+$/.test(mnc) ? `${mcc}${mnc}` : null,
    };
    if (messageId !== undefined) report.messageId = messageId;
    if (gatewayMessageId !== undefined) report.gatewayMessageId = gatewayMessageId;
    reports.push(report);
  }
  return reports;
}

/**
 * Compares the secret presented by a callback with ours in constant time. Both are hashed first,
 * so the comparison never depends on (or reveals) the length. No secret configured: refused.
 */
export function verifyCallbackSecret(presented: string | null, expected: string): boolean {
  if (!expected || presented === null) return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** A parameter's comma-separated values (repeated parameters are joined); undefined when absent or empty. */
function list(params: URLSearchParams, name: string): string[] | undefined {
  const raw = params.getAll(name).join(',');
  if (raw.trim() === '') return undefined;
  return raw.split(',').map((value) => value.trim());
}

function positiveInteger(value: string | undefined): number | undefined {
  if (!value || !/^[1-9]\d*$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}
