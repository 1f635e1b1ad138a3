// Where a sign-in may send the user on to: only a path of this site, as a browser reads it. The
// WHATWG URL parser drops tab, CR and LF anywhere, trims C0 controls and spaces at the ends and
// takes "\" for "/", so "/\t/evil.example" or "/\\evil.example" name another host; and dot
// segments can turn "/.//evil.example" into the path "//evil.example". Pure: proxy.ts, the
// sign-in page and action and Auth.js's redirect callback all use it.

const BASE = 'http://callback.invalid';
const MAX_LENGTH = 2048;
// Controls (C0, DEL, C1), format characters (zero-width, bidi) and every kind of space.
const CONTROL_OR_SPACE = /[\p{Cc}\p{Cf}\p{Z}\s]/u;

function plainPath(path: string): boolean {
  return !CONTROL_OR_SPACE.test(path) && !path.includes('\\') && !path.startsWith('//');
}

/** The value as a normalised same-site path (path, query and fragment), or null. */
export function safeCallbackPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_LENGTH || !value.startsWith('/') || !plainPath(value)) return null;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  // Decoded once, the path must still be plain: "/%2F/evil" or "/%09/evil" are harmless here
  // but become the attack above for anything that decodes them on the way.
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  const path = url.pathname + url.search + url.hash;
  return plainPath(url.pathname) && plainPath(decoded) ? path : null;
}
