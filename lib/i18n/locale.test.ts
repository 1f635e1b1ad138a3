import { describe, expect, it } from 'vitest';
import { resolveLocale } from './locale';

describe('resolveLocale', () => {
  it('prefers the user setting over the browser', () => {
    expect(resolveLocale('bg', 'en-US,en;q=0.9')).toBe('bg');
    expect(resolveLocale('en', 'bg')).toBe('en');
  });
  it('follows Accept-Language by quality, then order', () => {
    expect(resolveLocale(null, 'bg-BG,bg;q=0.9,en;q=0.8')).toBe('bg');
    expect(resolveLocale(null, 'de-DE,bg;q=0.5,en;q=0.7')).toBe('en');
    expect(resolveLocale(null, 'fr, bg;q=0.1')).toBe('bg');
    expect(resolveLocale(null, 'bg;q=0, en')).toBe('en');
  });
  it('falls back to English', () => {
    expect(resolveLocale(null, null)).toBe('en');
    expect(resolveLocale(undefined, 'de, fr')).toBe('en');
    expect(resolveLocale('xx', '*')).toBe('en');
  });
});
