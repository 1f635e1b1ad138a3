import { AppError } from '@/lib/errors';
import { MAX_API_BODY_BYTES } from '@/lib/messaging/limits';

/**
 * The strict decoders of an API request: every malformed input is an AppError with a clear
 * code (a 400 at the gate), never a value silently repaired and never an exception of its own.
 */

export type BodyType = 'application/json' | 'application/x-www-form-urlencoded';
export const BODY_TYPES: readonly BodyType[] = ['application/x-www-form-urlencoded', 'application/json'];

/** Parameters as decoded: form values are text (a name given more than once: a list of them), JSON values anything. */
export type Params = Record<string, unknown>;

const tooLarge = () => new AppError('body_too_large', { params: { mb: MAX_API_BODY_BYTES / 1024 / 1024 } });

/** The body as parameters: at most MAX_API_BODY_BYTES, UTF-8, one of `types` ({} when empty). */
export async function readParams(request: Request, types: readonly BodyType[] = BODY_TYPES): Promise<Params> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_API_BODY_BYTES) throw tooLarge();
  const bytes = await readCapped(request.body);
  if (bytes.length === 0) return {};
  // No Content-Type is a form, as curl -d and the provider's own clients send it.
  const type = (request.headers.get('content-type') ?? 'application/x-www-form-urlencoded').split(';')[0].trim().toLowerCase();
  if (!types.includes(type as BodyType)) throw new AppError('content_type_unsupported', { params: { types: types.join(' or ') } });
  const text = utf8(bytes);
  if (type === 'application/x-www-form-urlencoded') return formParams(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('body_not_json');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new AppError('body_not_object');
  return value as Params;
}

/** The URL's query as parameters, with the same strict decoding as a form body. */
export function queryParams(url: URL): Params {
  return formParams(url.search.slice(1));
}

// Reads the stream and stops at the cap: a body without Content-Length is never buffered whole.
async function readCapped(body: ReadableStream<Uint8Array> | null): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > MAX_API_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function utf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('body_not_utf8');
  }
}

/** application/x-www-form-urlencoded, where a malformed %-escape or one that is not UTF-8 is an error. */
function formParams(text: string): Params {
  const values = new Map<string, string | string[]>();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const name = decode(at < 0 ? pair : pair.slice(0, at));
    const value = at < 0 ? '' : decode(pair.slice(at + 1));
    const previous = values.get(name);
    values.set(name, previous === undefined ? value : [previous, value].flat());
  }
  // fromEntries defines own properties: a "__proto__" parameter is a parameter, not a prototype.
  return Object.fromEntries(values);
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    throw new AppError('body_not_form');
  }
}

// C0 controls except tab, line feed and carriage return (a message may have lines), DEL and C1.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Refuses NUL and other control characters, and broken UTF-16 (a lone surrogate from a JSON
 * escape), in every text of the parameters, names included: PostgreSQL cannot store a NUL,
 * and nothing a client means to send holds one.
 */
export function checkText(params: Params): void {
  const walk = (value: unknown, field: string): void => {
    if (typeof value === 'string') {
      if (CONTROL.test(value) || !value.isWellFormed()) throw new AppError('invalid_character', { field });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${field}.${i}`));
    } else if (value && typeof value === 'object') {
      for (const [name, inner] of Object.entries(value)) {
        const path = field ? `${field}.${name}` : name;
        if (CONTROL.test(name) || !name.isWellFormed()) throw new AppError('invalid_character', { field: JSON.stringify(path) });
        walk(inner, path);
      }
    }
  };
  walk(params, '');
}
