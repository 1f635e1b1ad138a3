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

export type SimulatedFate = {
  final: StatusCode | null;
  errorCode: number | null;
  /** MCC+MNC of the recipient's network, as its reports name it (null: a country we have no network for) */
  network: string | null;
  acceptedAfterMs: number;
  finalAfterMs: number;
};

/** Per mille of messages to a network: delivered, absent subscriber, number not in service, expired, rejected (the rest: no report). */
type Profile = { network: string | null; delivered: number; absent: number; invalid: number; expired: number; rejected: [number, number] };

// Bulgarian prefixes by their original network (about one number in twelve has moved to another).
const BG_NETWORKS: Record<string, string> = { '87': '28403', '88': '28401', '89': '28405', '98': '28403', '99': '28405', '96': '28403' };
const BG_CODES = ['28401', '28403', '28405'];
const FOREIGN: [string, string][] = [
  ['+49', '26201'],
  ['+40', '22610'],
  ['+30', '20201'],
  ['+44', '23430'],
  ['+90', '28601'],
  ['+1', '310260'],
];
// Yettel fails most here (spam filtering, absent subscribers), foreign networks more than home ones.
const PROFILES: Record<string, Omit<Profile, 'network'>> = {
  '28401': { delivered: 920, absent: 30, invalid: 15, expired: 15, rejected: [5, 9] },
  '28403': { delivered: 890, absent: 45, invalid: 20, expired: 20, rejected: [10, 9] },
  '28405': { delivered: 840, absent: 70, invalid: 25, expired: 35, rejected: [15, 7] },
  foreign: { delivered: 800, absent: 60, invalid: 30, expired: 50, rejected: [40, 9] },
};

function profileOf(recipient: string, h: number): Profile {
  if (recipient.startsWith('+359')) {
    const home = BG_NETWORKS[recipient.slice(4, 6)] ?? BG_CODES[h % 3];
    const network = (h >>> 20) % 12 === 0 ? BG_CODES[(BG_CODES.indexOf(home) + 1) % 3] : home;
    return { network, ...PROFILES[network] };
  }
  const foreign = FOREIGN.find(([prefix]) => recipient.startsWith(prefix));
  return { network: foreign?.[1] ?? null, ...PROFILES.foreign };
}

/**
 * What an operator would do with a message to this number: the number's network (by its prefix,
 * some numbers ported), then by that network's profile mostly delivered; some undelivered (absent
 * subscriber, number not in service), expired or rejected; a few never reported (they end
 * UNKNOWN after the validity period). Error codes as lib/insights/errors.ts explains them.
 */
export function simulatedFate(recipient: string, delayScale = 1, failing: ReadonlySet<string> = new Set()): SimulatedFate {
  const h = numberHash(recipient);
  const bucket = h % 1000;
  const profile = profileOf(recipient, h);
  // A network in an outage (SIMULATOR_FAILING_NETWORKS) fails every message: network failure.
  if (profile.network && failing.has(profile.network)) Object.assign(profile, { delivered: 0, absent: 0, invalid: 0, expired: 0, rejected: [0, 0] });
  let edge = profile.delivered;
  const [final, errorCode]: [StatusCode | null, number | null] =
    bucket < edge ? [STATUS.DELIVERED, null]
    : bucket < (edge += profile.absent) ? [STATUS.UNDELIVERED, 1]
    : bucket < (edge += profile.invalid) ? [STATUS.UNDELIVERED, 2]
    : bucket < (edge += profile.expired) ? [STATUS.EXPIRED, 10]
    : bucket < (edge += profile.rejected[0]) ? [STATUS.REJECTED, profile.rejected[1]]
    : profile.network && failing.has(profile.network) ? [STATUS.UNDELIVERED, 6]
    : [null, null];
  const acceptedAfterMs = Math.round((300 + (h % 700)) * delayScale);
  // Within 30 s: at home most in the first seconds with a long tail, abroad spread evenly (slower).
  const spread = ((h >>> 10) % 1000) / 1000;
  const finalAfterMs = Math.round((2_000 + (recipient.startsWith('+359') ? spread ** 2 : spread) * 28_000) * delayScale);
  return { final, errorCode, network: profile.network, acceptedAfterMs, finalAfterMs };
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
    const failing = new Set(env().SIMULATOR_FAILING_NETWORKS?.split(',') ?? []);
    for (const message of messages) {
      const fate = simulatedFate(message.recipient, this.delayScale, failing);
      const ids = { messageId: message.id, gatewayMessageId: gatewayId(message.id) };
      add(fate.acceptedAfterMs, { ...ids, status: STATUS.ACCEPTED });
      if (fate.final) add(fate.finalAfterMs, { ...ids, status: fate.final, errorCode: fate.errorCode, network: fate.network });
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
