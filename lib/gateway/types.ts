import type { StatusCode } from '@/lib/messaging/statuses';

/** A message handed to a gateway: already claimed (QUEUE -> SENT) and paid for. */
export type OutgoingMessage = {
  id: number;
  sender: string;
  /** E.164 with '+' */
  recipient: string;
  content: string;
  parts: number;
  idx: string | null;
};

export type SendOutcome =
  | { id: number; accepted: true; gatewayMessageId: string }
  /** refused outright: never reached an operator (its points are refunded) */
  | { id: number; accepted: false; status: 406 | 407; errorCode: number | null };

/** A delivery report (DLR), from a real gateway's callback or from the simulator. */
export type DeliveryReport = {
  /** our message id when the gateway echoes it, else the gateway's own id */
  messageId?: number;
  gatewayMessageId?: string;
  status: StatusCode;
  doneAt: Date;
  errorCode?: number | null;
  /** MCC/MNC when the gateway reports it */
  network?: string | null;
};

export interface Gateway {
  readonly name: 'simulator' | 'smsapi';
  /** Hands a batch over; one outcome per message, in any order. Throws only when the whole batch failed to reach the gateway (it is retried). */
  send(messages: OutgoingMessage[]): Promise<SendOutcome[]>;
}
