import { describe, expect, it } from 'vitest';
import { MESSAGES } from './messages';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => keys(inner, prefix ? `${prefix}.${key}` : key));
}

describe('message files', () => {
  it('have the same keys in English and Bulgarian', () => {
    expect(keys(MESSAGES.bg).sort()).toEqual(keys(MESSAGES.en).sort());
  });
  it('leave no string empty', () => {
    for (const locale of ['en', 'bg'] as const) {
      const empty = keys(MESSAGES[locale]).filter((key) => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], MESSAGES[locale]) === '');
      expect(empty).toEqual([]);
    }
  });
});
