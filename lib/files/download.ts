/**
 * Response headers for downloads (shared/spec/security.md, "Downloads"): an attachment with a
 * file name made by the server, user text in it encoded per RFC 6266 / RFC 5987 with an ASCII
 * fallback, no sniffing, no caching, no referrer.
 */

const MAX_BASE_LENGTH = 80;

/** Strips what must never reach a header or a file system: controls (CR/LF too), quotes, slashes. */
export function cleanFileName(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f"'`\\/:*?<>|;\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+|\s+$/g, '');
}

/** The ASCII fallback: letters, digits, dot, dash and underscore only. */
export function asciiFileName(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/_*-_*/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '');
  return ascii || 'download';
}

/** RFC 5987 value-chars: encodeURIComponent leaves ' ( ) * unescaped, which 5987 does not allow. */
function encodeRfc5987(text: string): string {
  return encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `attachment; filename="ascii"; filename*=UTF-8''utf8` for a base name (user text allowed:
 * it is cleaned and capped) and a fixed extension such as "csv".
 */
export function contentDisposition(baseName: string, extension: string): string {
  if (!/^[a-z0-9]{1,8}$/.test(extension)) throw new Error(`bad extension: ${extension}`);
  const base = Array.from(cleanFileName(baseName)).slice(0, MAX_BASE_LENGTH).join('').trim() || 'download';
  const ascii = `${asciiFileName(base).slice(0, MAX_BASE_LENGTH)}.${extension}`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(`${base}.${extension}`)}`;
}

/** Headers every response of a download route carries, errors included. */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'private, no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export function downloadHeaders(contentType: string, baseName: string, extension: string): Headers {
  return new Headers({
    ...NO_STORE_HEADERS,
    'Content-Type': contentType,
    'Content-Disposition': contentDisposition(baseName, extension),
  });
}

/** An empty response with the download headers (401, 404, 503...): nothing streamed. */
export function emptyResponse(status: number, extra: Record<string, string> = {}): Response {
  return new Response(null, { status, headers: { ...NO_STORE_HEADERS, ...extra } });
}

/**
 * Next.js drops Content-Length (and Content-Encoding) from a route handler's response, so a
 * file of known size names it here too: the server (scripts/start.ts) turns this header into
 * Content-Length (browsers show progress) and sends that response as it is, uncompressed.
 */
export const FILE_LENGTH_HEADER = 'X-File-Length';

/** Headers of a file whose size is known: Content-Length, also where Next.js would drop it. */
export function setFileLength(headers: Headers, bytes: number): void {
  headers.set('Content-Length', String(bytes));
  headers.set(FILE_LENGTH_HEADER, String(bytes));
}
