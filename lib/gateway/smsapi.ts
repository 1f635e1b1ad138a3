import { STATUS } from '@/lib/messaging/statuses';
import type { Gateway, OutgoingMessage, SendOutcome } from './types';

/**
 * SMSAPI (smsapi.bg / smsapi.pl / smsapi.com) over its REST interface: one `POST /sms.do` per
 * message, `format=json`, OAuth bearer token. Our message id travels as `idx`, so delivery
 * reports (see ./dlr-callback.ts) can be matched to our ids.
 */

export const SMSAPI_DEFAULT_BASE_URL = 'https://api.smsapi.bg';
export const SMSAPI_DEFAULT_TIMEOUT_MS = 10_000;
export const SMSAPI_DEFAULT_CONCURRENCY = 8;

/**
 * What an SMSAPI error code means for us.
 * - `rejected` / `failed`: this message can never be sent as it is: it is refused (status 407 /
 *   406, its points are refunded) and the rest of the batch goes on.
 * - `unavailable`: an account-level or passing problem: the whole batch throws
 *   GatewayUnavailableError and is retried later; nothing is marked refused.
 */
export type SmsapiErrorClass = 'rejected' | 'failed' | 'unavailable';

export const SMSAPI_ERROR_CODES: Readonly<Record<number, { class: SmsapiErrorClass; meaning: string }>> = {
  // The provider judged this message, recipient or sender unacceptable.
  11: { class: 'rejected', meaning: 'message too long, empty, or has characters the encoding does not allow' },
  12: { class: 'rejected', meaning: 'message has more parts than allowed' },
  13: { class: 'rejected', meaning: 'no valid recipient number (invalid or blacklisted)' },
  14: { class: 'rejected', meaning: 'sender name not allowed for this account' },
  32: { class: 'rejected', meaning: 'this kind of message cannot be sent to this destination' },
  33: { class: 'rejected', meaning: 'messages cannot be sent to this country' },
  57: { class: 'rejected', meaning: 'recipient is on the blacklist' },
  // The request for this message was unusable; sending it again would fail the same way.
  8: { class: 'failed', meaning: 'error in the request' },
  18: { class: 'failed', meaning: 'invalid number of parameters' },
  20: { class: 'failed', meaning: 'invalid number of idx parameters' },
  27: { class: 'failed', meaning: 'idx too long' },
  // The account, our configuration or the provider: retry the whole batch later.
  52: { class: 'unavailable', meaning: 'too many attempts to one number in a short time' },
  70: { class: 'unavailable', meaning: 'notify_url rejected (configuration)' },
  101: { class: 'unavailable', meaning: 'invalid authorization' },
  102: { class: 'unavailable', meaning: 'invalid username or password' },
  103: { class: 'unavailable', meaning: 'not enough points on the provider account' },
  105: { class: 'unavailable', meaning: 'IP address not allowed' },
  110: { class: 'unavailable', meaning: 'action not allowed for this account' },
  200: { class: 'unavailable', meaning: 'message submission failed' },
  201: { class: 'unavailable', meaning: 'provider internal error' },
  202: { class: 'unavailable', meaning: 'too many simultaneous requests' },
  203: { class: 'unavailable', meaning: 'too many requests' },
  999: { class: 'unavailable', meaning: 'provider internal error' },
};

/**
 * The class of an error code. Codes not in the table follow SMSAPI's numbering: below 100 they
 * concern the message (failed, 406), from 100 up the account or the platform (unavailable).
 */
export function classifySmsapiError(code: number): SmsapiErrorClass {
  const known = SMSAPI_ERROR_CODES[code];
  if (known) return known.class;
  return code > 0 && code < 100 ? 'failed' : 'unavailable';
}

/**
 * The batch could not be handed over (the provider is unreachable, slow, failing, or refuses the
 * account). Nothing in the batch is marked refused; it is retried later.
 *
 * `settled` holds the outcomes already known when the batch was abandoned (messages the provider
 * accepted or refused before the failure): a caller that records them avoids sending those
 * messages twice on the retry.
 */
export class GatewayUnavailableError extends Error {
  readonly providerCode: number | null;
  readonly httpStatus: number | null;
  settled: SendOutcome[] = [];

  constructor(message: string, details: { providerCode?: number | null; httpStatus?: number | null } = {}) {
    super(message);
    this.name = 'GatewayUnavailableError';
    this.providerCode = details.providerCode ?? null;
    this.httpStatus = details.httpStatus ?? null;
  }
}

export type SmsapiGatewayOptions = {
  token: string;
  baseUrl?: string;
  /** Where SMSAPI posts delivery reports (our callback route, with its secret). */
  notifyUrl?: string;
  fetch?: typeof fetch;
  /** Per request, including reading the answer. */
  timeoutMs?: number;
  /** Requests under way at once. */
  concurrency?: number;
};

type SmsapiSuccess = { count?: number; list?: Array<{ id?: unknown }>; invalid_numbers?: unknown[] };

export class SmsapiGateway implements Gateway {
  readonly name = 'smsapi' as const;
  readonly #token: string;
  readonly #baseUrl: string;
  readonly #notifyUrl: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #concurrency: number;

  constructor(options: SmsapiGatewayOptions) {
    if (!options.token) throw new Error('SmsapiGateway: a token is required');
    const timeoutMs = options.timeoutMs ?? SMSAPI_DEFAULT_TIMEOUT_MS;
    const concurrency = options.concurrency ?? SMSAPI_DEFAULT_CONCURRENCY;
    if (!(timeoutMs > 0)) throw new Error('SmsapiGateway: timeoutMs must be positive');
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('SmsapiGateway: concurrency must be a positive integer');
    this.#token = options.token;
    this.#baseUrl = (options.baseUrl ?? SMSAPI_DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.#notifyUrl = options.notifyUrl || undefined;
    // Looked up at call time, so a fetch patched later (test mocks, instrumentation) is used.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#timeoutMs = timeoutMs;
    this.#concurrency = concurrency;
  }

  async send(messages: OutgoingMessage[]): Promise<SendOutcome[]> {
    const outcomes: SendOutcome[] = [];
    let failure: unknown = null;
    let next = 0;
    // A fixed pool of workers: at most `concurrency` requests under way. After the first failure
    // no new request starts; those under way finish, so their outcomes are known.
    const worker = async () => {
      while (failure === null && next < messages.length) {
        const message = messages[next++];
        try {
          outcomes.push(await this.#sendOne(message));
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, messages.length) }, worker));
    if (failure !== null) {
      if (failure instanceof GatewayUnavailableError) failure.settled = outcomes;
      throw failure;
    }
    return outcomes;
  }

  async #sendOne(message: OutgoingMessage): Promise<SendOutcome> {
    const form = new URLSearchParams({
      to: message.recipient.replace(/^\+/, ''),
      from: message.sender,
      message: message.content,
      format: 'json',
      encoding: 'utf-8',
      idx: String(message.id),
    });
    if (this.#notifyUrl) form.set('notify_url', this.#notifyUrl);

    let status: number;
    let text: string;
    try {
      const response = await this.#fetch(`${this.#baseUrl}/sms.do`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${this.#token}`,
          'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
          Accept: 'application/json',
        },
        body: form,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new GatewayUnavailableError(`SMSAPI did not answer within ${this.#timeoutMs} ms`);
      }
      throw new GatewayUnavailableError(`SMSAPI could not be reached: ${this.#scrub(error instanceof Error ? error.message : String(error))}`);
    }

    if (status >= 500 || status === 429) {
      throw new GatewayUnavailableError(`SMSAPI answered HTTP ${status}`, { httpStatus: status });
    }

    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // handled below as an unexpected answer
    }

    const errorCode = readErrorCode(body);
    if (errorCode !== null) {
      const kind = classifySmsapiError(errorCode);
      if (kind === 'unavailable') {
        const providerMessage = (body as { message?: unknown }).message;
        const detail = typeof providerMessage === 'string' ? `: ${this.#scrub(providerMessage).slice(0, 200)}` : '';
        throw new GatewayUnavailableError(`SMSAPI error ${errorCode}${detail}`, { providerCode: errorCode, httpStatus: status });
      }
      return { id: message.id, accepted: false, status: kind === 'rejected' ? STATUS.REJECTED : STATUS.FAILED, errorCode };
    }

    if (status >= 400) {
      // e.g. 401/403 from a proxy or the API without a JSON error: not this message's fault.
      throw new GatewayUnavailableError(`SMSAPI answered HTTP ${status}`, { httpStatus: status });
    }

    const success = body as SmsapiSuccess | null;
    const first = Array.isArray(success?.list) ? success.list[0] : undefined;
    const gatewayMessageId = typeof first?.id === 'string' || typeof first?.id === 'number' ? String(first.id) : '';
    if (gatewayMessageId) return { id: message.id, accepted: true, gatewayMessageId };
    if (Array.isArray(success?.invalid_numbers) && success.invalid_numbers.length > 0) {
      // Nothing sent, and the number is the reason: the same as error 13.
      return { id: message.id, accepted: false, status: STATUS.REJECTED, errorCode: 13 };
    }
    throw new GatewayUnavailableError(`SMSAPI gave an unexpected answer (HTTP ${status})`, { httpStatus: status });
  }

  /** Whatever the provider or the network says, the token never leaves in an error. */
  #scrub(text: string): string {
    return text.split(this.#token).join('[token]');
  }
}

function readErrorCode(body: unknown): number | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const raw = (body as { error: unknown }).error;
  const code = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(code) ? code : null;
}
