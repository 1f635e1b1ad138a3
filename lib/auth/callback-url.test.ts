import { describe, expect, it } from 'vitest';
import { safeCallbackPath } from './callback-url';

const HOSTILE = [
  '//evil.example/',
  '///evil.example/',
  '/\\evil.example/',
  '\\/evil.example/',
  '\\\\evil.example/',
  '/\t/evil.example/',
  '/\n/evil.example/',
  '/\r/evil.example/',
  '/\r\n/evil.example/',
  '\t//evil.example/',
  ' //evil.example/',
  '//evil.example/ ',
  '\u0000//evil.example/',
  '/\u0000/evil.example/',
  '/\u001f/evil.example/',
  '/\u007f/evil.example/',
  '/\u0085/evil.example/',
  '/ /evil.example/',
  '/\u00a0/evil.example/',
  '/\u2028/evil.example/',
  '/\u3000/evil.example/',
  '/\u200b/evil.example/',
  '/\u202e/evil.example/',
  '/\ufeff/evil.example/',
  '/%09/evil.example/',
  '/%0a/evil.example/',
  '/%00/evil.example/',
  '/%20/evil.example/',
  '/%2F/evil.example/',
  '/%2f%2fevil.example/',
  '/%5Cevil.example/',
  '/%E0%A4%A',
  '/.//evil.example/',
  '/..//evil.example/',
  '/./\\evil.example/',
  '/%2e%2e//evil.example/',
  '/a/..//evil.example/',
  'https://evil.example/',
  'http:evil.example',
  'http://callback.invalid/history',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'evil.example',
  '',
  `/${'a'.repeat(2048)}`,
];

describe('safeCallbackPath', () => {
  it('refuses every path a browser could read as another origin, or that is not a plain path', () => {
    for (const value of HOSTILE) expect(safeCallbackPath(value), JSON.stringify(value)).toBeNull();
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 42, ['/history'], { toString: () => '/history' }]) expect(safeCallbackPath(value)).toBeNull();
  });

  it('keeps a same-site path with its query and fragment, normalised', () => {
    expect(safeCallbackPath('/history')).toBe('/history');
    expect(safeCallbackPath('/bulk/42?x=1&y=%20z#top')).toBe('/bulk/42?x=1&y=%20z#top');
    expect(safeCallbackPath('/bulk/42/../43')).toBe('/bulk/43');
    expect(safeCallbackPath('/history?recipient=+359888')).toBe('/history?recipient=+359888');
    expect(safeCallbackPath('/история')).toBe('/%D0%B8%D1%81%D1%82%D0%BE%D1%80%D0%B8%D1%8F');
  });

  it('gives a result that is itself accepted unchanged', () => {
    for (const value of ['/history', '/bulk/42/../43?a=b', '/история', '/a/./b/']) {
      const once = safeCallbackPath(value);
      expect(once).not.toBeNull();
      expect(safeCallbackPath(once)).toBe(once);
    }
  });
});
