import fs from 'node:fs';
import { db } from '@/db';
import { env } from '@/lib/env';
import { enqueueAll } from '@/lib/jobs';
import { STATUS, type StatusCode } from '@/lib/messaging/statuses';
import type { DeliveryReport, Gateway, OutgoingMessage, SendOutcome } from './types';

/** FNV-1a: the same number always gets the same fate, so tests can rely on it. */
export function numberHash(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export type SimulatedFate = { final: StatusCode | null; errorCode: number | null; acceptedAfterMs: number; finalAfterMs: number };

/**
 * What an operator would do with a message to this number: mostly delivered; some undelivered,
 * expired or rejected; a few never reported (they end UNKNOWN after the validity period).
 */
export function simulatedFate(recipient: string, delayScale = 1): SimulatedFate {
  const h = numberHash(recipient);
  const bucket = h % 1000;
  const [final, errorCode]: [StatusCode | null, number | null] =
    bucket < 880 ? [STATUS.DELIVERED, null]
    : bucket < 940 ? [STATUS.UNDELIVERED, 1]
    : bucket < 965 ? [STATUS.EXPIRED, 27]
    : bucket < 985 ? [STATUS.REJECTED, 8]
    : [null, null];
  const acceptedAfterMs = Math.round((300 + (h % 700)) * delayScale);
  const finalAfterMs = Math.round((2_000 + ((h >>> 10) % 28_000)) * delayScale);
  return { final, errorCode, acceptedAfterMs, finalAfterMs };
}

export class SimulatorGateway implements Gateway {
  readonly name = 'simulator' as const;
  constructor(private readonly delayScale = env().SIMULATOR_DELAY_SCALE) {}

  async send(messages: OutgoingMessage[]): Promise<SendOutcome[]> {
    // Reports are grouped into one job per second of arrival (per delay-scale seconds when the
    // delays are stretched, so that a batch still makes some thirty jobs); each job hands its
    // reports in as the provider's callback does (storeDeliveryReports), with our id and the gateway's.
    const due = new Map<number, DeliveryReport[]>();
    const now = Date.now();
    const bucketMs = 1000 * Math.max(1, this.delayScale);
    const add = (afterMs: number, report: Omit<DeliveryReport, 'doneAt'>) => {
      const at = Math.ceil((now + afterMs) / bucketMs) * bucketMs;
      const list = due.get(at) ?? [];
      list.push({ ...report, doneAt: new Date(now + afterMs) });
      due.set(at, list);
    };
    for (const message of messages) {
      const fate = simulatedFate(message.recipient, this.delayScale);
      const ids = { messageId: message.id, gatewayMessageId: gatewayId(message.id) };
      add(fate.acceptedAfterMs, { ...ids, status: STATUS.ACCEPTED });
      if (fate.final) add(fate.finalAfterMs, { ...ids, status: fate.final, errorCode: fate.errorCode, network: '28401' });
    }
    await enqueueAll(db, 'gateway:reports', [...due].map(([at, reports]) => ({ payload: { reports }, runAt: new Date(at) })));
    // The operator's receipt log (SIMULATOR_LOG): one line per message received, so that tests can
    // prove no message was ever handed over twice.
    const log = env().SIMULATOR_LOG;
    if (log) fs.appendFileSync(log, messages.map((m) => `${m.id}\n`).join(''));
    return messages.map((m) => ({ id: m.id, accepted: true, gatewayMessageId: gatewayId(m.id) }));
  }
}

const gatewayId = (messageId: number) => `sim-${messageId}`;
