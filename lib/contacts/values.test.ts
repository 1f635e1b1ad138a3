import { describe, expect, it } from 'vitest';
import { looksLikeHeader, sniffDelimiter, sniffEncoding, suggestMapping } from './import/rows';
import { checkEmail, checkFieldName, checkFieldValue, checkName, checkPhone, isYes, splitGroupNames } from './values';

describe('contact values', () => {
  it('numbers are normalised per the account country, however they are typed', () => {
    for (const typed of ['0888 123 456', '+359 888 123 456', '00359888123456', '359888123456', '(0888) 123-456']) {
      expect(checkPhone(typed, 'BG'), typed).toEqual({ ok: true, value: '+359888123456' });
    }
    expect(checkPhone('', 'BG')).toEqual({ ok: false, code: 'contact_phone_required' });
    expect(checkPhone('12', 'BG')).toEqual({ ok: false, code: 'contact_phone_invalid' });
    expect(checkPhone('0888123456', 'XX')).toEqual({ ok: false, code: 'contact_phone_invalid' });
  });

  it('custom field values in their stored form: numbers with a decimal comma and spaces, dates in the Bulgarian order too', () => {
    expect(checkFieldValue('number', '1 234,50')).toEqual({ ok: true, value: '1234.5' });
    expect(checkFieldValue('number', '-7')).toEqual({ ok: true, value: '-7' });
    expect(checkFieldValue('number', '12a')).toEqual({ ok: false, code: 'field_number_invalid' });
    expect(checkFieldValue('date', '5.3.2024')).toEqual({ ok: true, value: '2024-03-05' });
    expect(checkFieldValue('date', '2024-02-29')).toEqual({ ok: true, value: '2024-02-29' });
    expect(checkFieldValue('date', '29.02.2023')).toEqual({ ok: false, code: 'field_date_invalid' });
    expect(checkFieldValue('text', ' a\r\nb ')).toEqual({ ok: true, value: 'a\nb' });
    expect(checkFieldValue('text', 'a\u0000b')).toEqual({ ok: false, code: 'text_control' });
    expect(checkFieldValue('text', 'x'.repeat(501))).toEqual({ ok: false, code: 'field_text_too_long' });
    expect(checkFieldValue('number', '')).toEqual({ ok: true, value: '' });
  });

  it('names, e-mails, field names and group lists', () => {
    expect(checkName('  Иван ')).toEqual({ ok: true, value: 'Иван' });
    expect(checkName('a\tb')).toEqual({ ok: false, code: 'text_control' });
    expect(checkEmail('')).toEqual({ ok: true, value: null });
    expect(checkEmail('a@b')).toEqual({ ok: false, code: 'email_invalid' });
    expect(checkFieldName(' Град  рождение ')).toEqual({ ok: true, value: 'Град рождение' });
    for (const bad of ['=1+1', '-x', '@a', 'a"b', 'a,b']) expect(checkFieldName(bad).ok, bad).toBe(false);
    expect(checkFieldName('Groups')).toEqual({ ok: false, code: 'field_name_reserved' });
    expect(checkFieldName('ж'.repeat(32))).toEqual({ ok: false, code: 'field_name_too_long' }); // 64 bytes
    expect(splitGroupNames('VIP, Клиенти|VIP ;  Нови  ')).toEqual(['VIP', 'Клиенти', 'Нови']);
    expect(['1', 'Да', 'yes', 'X', 'true'].every(isYes)).toBe(true);
    expect(['0', 'не', '', 'no'].some(isYes)).toBe(false);
  });
});

describe('an import file', () => {
  it('is UTF-8 when UTF-8 takes its bytes (a cut letter at the end too), else Windows-1251', () => {
    const utf8 = Buffer.from('Иван;Петров', 'utf8');
    expect(sniffEncoding(utf8)).toBe('utf-8');
    expect(sniffEncoding(utf8.subarray(0, 3))).toBe('utf-8');
    expect(sniffEncoding(Buffer.from([0xc8, 0xe2, 0xe0, 0xed]))).toBe('windows-1251');
  });

  it('has its separator guessed and its columns suggested from the header or, without one, from the numbers', () => {
    expect(sniffDelimiter('a;b;c\n1;2;3\n4;5;6\n')).toBe(';');
    expect(sniffDelimiter('a,b\n1,2\n')).toBe(',');
    const fields = [{ id: 'f1', name: 'Град', type: 'text' as const }];
    expect(suggestMapping(['Mobile', 'Name', 'Surname', 'E-mail', 'град', 'Groups', 'Unsubscribed'], [], fields, 'BG')).toEqual([
      { kind: 'phone' },
      { kind: 'first_name' },
      { kind: 'last_name' },
      { kind: 'email' },
      { kind: 'field', fieldId: 'f1' },
      { kind: 'groups' },
      { kind: 'opted_out' },
    ]);
    const rows = [
      ['Иван', '0888123456'],
      ['Мария', '0888123457'],
    ];
    expect(looksLikeHeader(rows, 'BG')).toBe(false);
    expect(suggestMapping(null, rows, fields, 'BG')).toEqual([null, { kind: 'phone' }]);
    expect(looksLikeHeader([['name', 'phone'], ...rows], 'BG')).toBe(true);
  });
});
