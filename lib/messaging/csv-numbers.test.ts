import { describe, expect, it } from 'vitest';
import {
  columnCount,
  detectHeader,
  estimateRecipients,
  guessNumberColumn,
  isNumericCell,
  MAX_ENTRY_LENGTH,
  MAX_FORM_RECIPIENTS,
  splitRecipientText,
  toEntry,
} from './csv-numbers';
import { MAX_RECIPIENTS } from './send';

it('lets the form hold as many recipients as the server takes', () => {
  expect(MAX_FORM_RECIPIENTS).toBe(MAX_RECIPIENTS);
});

describe('isNumericCell / detectHeader', () => {
  it('treats phone numbers with the usual separators as numeric', () => {
    for (const cell of ['0888123456', '+359 888 123 456', '(02) 981-12-34', '00359888123456', ' 359888123456 ', '1']) {
      expect(isNumericCell(cell), cell).toBe(true);
    }
    for (const cell of ['phone', 'Телефон', '', '+', '--', '0888abc', 'Иван Петров']) {
      expect(isNumericCell(cell), cell).toBe(false);
    }
  });

  it('sees a header when the first row has a non-numeric cell', () => {
    expect(detectHeader([['phone', 'name']])).toBe(true);
    expect(detectHeader([['Телефон']])).toBe(true);
    expect(detectHeader([['0888123456']])).toBe(false);
    expect(detectHeader([['0888123456', '']])).toBe(false);
    expect(detectHeader([['+359 888 123 456', '42']])).toBe(false);
    expect(detectHeader([])).toBe(false);
  });

  it('reads a first row with a name beside a number as data, when later rows agree', () => {
    const data = [
      ['0888123456', 'Иван'],
      ['0899111222', 'Мария'],
    ];
    expect(detectHeader(data)).toBe(false);
    expect(detectHeader([['Номер', 'Име'], ...data])).toBe(true);
    expect(detectHeader([['name', 'phone'], ['Ivan', '+359888123456']])).toBe(true);
    // Nothing below looks like a number: the first row's words still make it a header.
    expect(detectHeader([['name'], ['Ivan']])).toBe(true);
  });
});

describe('guessNumberColumn', () => {
  it('prefers a header that names the number column', () => {
    const rows = [
      ['id', 'name', 'Phone number'],
      ['1', 'Ivan', '0888123456'],
      ['2', 'Maria', '0888654321'],
    ];
    expect(guessNumberColumn(rows, true)).toBe(2);
    expect(guessNumberColumn([['Име', 'Телефон'], ['Иван', '+359888123456']], true)).toBe(1);
  });

  it('ignores a header name when its cells hold no numbers', () => {
    const rows = [
      ['telephone note', 'mobile'],
      ['call after 5', '0888123456'],
    ];
    expect(guessNumberColumn(rows, true)).toBe(1);
  });

  it('otherwise picks the column with the most long numbers, not short ids', () => {
    const rows = [
      ['1', 'Ivan', '0888123456'],
      ['2', 'Maria', '0888654321'],
      ['3', 'Petar', ''],
    ];
    expect(guessNumberColumn(rows, false)).toBe(2);
  });

  it('falls back to the first column', () => {
    expect(guessNumberColumn([['a', 'b']], false)).toBe(0);
    expect(guessNumberColumn([], false)).toBe(0);
    expect(columnCount([['a'], ['a', 'b', 'c'], []])).toBe(3);
  });
});

describe('splitRecipientText', () => {
  it('splits on newlines, commas and semicolons and drops blanks', () => {
    expect(splitRecipientText('0888123456\r\n0888654321,  +359888111222 ;\n\n;0899000111')).toEqual([
      '0888123456',
      '0888654321',
      '+359888111222',
      '0899000111',
    ]);
    expect(splitRecipientText(' \n , ; ')).toEqual([]);
  });

  it('keeps digit groups of one number together but splits whole numbers separated by spaces', () => {
    expect(splitRecipientText('+359 888 123 456')).toEqual(['+359 888 123 456']);
    expect(splitRecipientText('0888 123 456')).toEqual(['0888 123 456']);
    expect(splitRecipientText('0888123456 0899123456\t+359888000111')).toEqual(['0888123456', '0899123456', '+359888000111']);
    expect(splitRecipientText('Ivan 0888123456')).toEqual(['Ivan 0888123456']);
  });

  it('clips overlong entries so that the server still reports them', () => {
    const [entry] = splitRecipientText('9'.repeat(100));
    expect(entry).toHaveLength(MAX_ENTRY_LENGTH);
    expect(entry.endsWith('…')).toBe(true);
    expect(toEntry('\uFEFF 0888\n123456 ')).toBe('0888 123456');
    expect(toEntry(undefined)).toBe('');
  });
});

describe('estimateRecipients', () => {
  it('counts national, international and 00-prefixed forms of one number once', () => {
    const estimate = estimateRecipients(['0888123456', '+359888123456', '00359 888 123 456', '359888123456', '888123456'], '359');
    expect(estimate).toEqual({ likely: 1, duplicates: 4, unlikely: 0 });
  });

  it('sets aside what cannot be a number', () => {
    const estimate = estimateRecipients(['0888123456', 'abc', '123', '+1234567890123456', '+0888123456', '0899123456'], '359');
    expect(estimate).toEqual({ likely: 2, duplicates: 0, unlikely: 4 });
  });

  it('counts 100,000 entries, a repeated one as a duplicate', () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => `0888${String(i).padStart(6, '0')}`);
    expect(estimateRecipients([...entries, '+359888000007'], '359')).toEqual({ likely: 100_000, duplicates: 1, unlikely: 0 });
  });
});
