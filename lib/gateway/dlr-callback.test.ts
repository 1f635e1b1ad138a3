import { describe, expect, it } from 'vitest';
import { STATUS } from '@/lib/messaging/statuses';
import { AppError } from '@/lib/errors';
import { parseSmsapiCallback, verifyCallbackSecret } from './dlr-callback';

const NOW = new Date('2030-01-02T03:04:05.000Z');

function parse(query: string) {
  return parseSmsapiCallback(new URLSearchParams(query), NOW);
}

describe('parseSmsapiCallback', () => {
  it('reads one report from the query string', () => {
    const url = new URL(
      'https://portal.test/api/dlr?secret=x&MsgId=613F1B14346335B944450980&status=404&idx=17&donedate=1700000000&username=user&points=0.16&from=ACME&to=359887123456&mcc=284&mnc=01',
    );
    expect(parseSmsapiCallback(url.searchParams, NOW)).toEqual([
      {
        messageId: 17,
        gatewayMessageId: '613F1B14346335B944450980',
        status: STATUS.DELIVERED,
        doneAt: new Date(1_700_000_000 * 1000),
        errorCode: null,
        network: '28401',
      },
    ]);
  });

  it('reads several comma-separated reports from a form body, position by position', () => {
    const body = new URLSearchParams();
    body.set('MsgId', 'aaa,bbb,ccc');
    body.set('status', '404,405,407');
    body.set('idx', '1,2,3');
    body.set('donedate', '1700000000,1700000060,1700000120');
    body.set('mcc', '284,284,226');
    body.set('mnc', '01,05,10');
    body.set('to', '359887000001,359887000002,40720000003');
    const reports = parseSmsapiCallback(new URLSearchParams(body.toString()), NOW);
    expect(reports).toEqual([
      { messageId: 1, gatewayMessageId: 'aaa', status: 404, doneAt: new Date(1_700_000_000_000), errorCode: null, network: '28401' },
      { messageId: 2, gatewayMessageId: 'bbb', status: 405, doneAt: new Date(1_700_000_060_000), errorCode: null, network: '28405' },
      { messageId: 3, gatewayMessageId: 'ccc', status: 407, doneAt: new Date(1_700_000_120_000), errorCode: null, network: '22610' },
    ]);
  });

  it('skips a report with an unknown status and keeps the others', () => {
    const reports = parse('MsgId=a,b,c&status=404,499,abc&idx=1,2,3&donedate=1700000000,1700000000,1700000000');
    expect(reports.map((r) => [r.messageId, r.status])).toEqual([[1, 404]]);
  });

  it('leaves messageId out when idx is not a positive integer, matching by MsgId instead', () => {
    const reports = parse('MsgId=a,b,c,d&status=404,404,404,404&idx=customer-1,0,-5,');
    expect(reports).toHaveLength(4);
    for (const report of reports) expect(report).not.toHaveProperty('messageId');
    expect(reports.map((r) => r.gatewayMessageId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('skips a report with neither MsgId nor idx', () => {
    const reports = parse('MsgId=a,,c&status=404,405,406&idx=,,9');
    expect(reports.map((r) => [r.gatewayMessageId, r.messageId, r.status])).toEqual([
      ['a', undefined, 404],
      ['c', 9, 406],
    ]);
  });

  it('uses now when donedate is missing or invalid', () => {
    expect(parse('MsgId=a&status=404&idx=1')[0].doneAt).toEqual(NOW);
    expect(parse('MsgId=a,b,c&status=404,404,404&donedate=soon,,99999999999999999999').map((r) => r.doneAt)).toEqual([NOW, NOW, NOW]);
  });

  it('uses the current time when none is given', () => {
    const before = Date.now();
    const [report] = parseSmsapiCallback(new URLSearchParams('MsgId=a&status=404'));
    expect(report.doneAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(report.doneAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('gives a network only when both mcc and mnc are present', () => {
    expect(parse('MsgId=a&status=404&mcc=284')[0].network).toBeNull();
    expect(parse('MsgId=a&status=404&mnc=01')[0].network).toBeNull();
    expect(parse('MsgId=a,b&status=404,404&mcc=284,284&mnc=01,')[1].network).toBeNull();
    expect(parse('MsgId=a,b&status=404,404&mcc=284,284&mnc=01,')[0].network).toBe('28401');
  });

  it('reads an error code from err or error', () => {
    expect(parse('MsgId=a,b&status=405,404&err=27,')[0].errorCode).toBe(27);
    expect(parse('MsgId=a,b&status=405,404&err=27,')[1].errorCode).toBeNull();
    expect(parse('MsgId=a&status=406&error=8')[0].errorCode).toBe(8);
    expect(parse('MsgId=a&status=406&error=bad')[0].errorCode).toBeNull();
  });

  it('accepts every status code 401..412 and nothing around them', () => {
    const codes = Array.from({ length: 14 }, (_, i) => 400 + i);
    const reports = parse(`MsgId=${codes.map((c) => `m${c}`).join(',')}&status=${codes.join(',')}`);
    expect(reports.map((r) => r.status)).toEqual(codes.filter((c) => c >= 401 && c <= 412));
  });

  it('rejects a malformed request with an AppError', () => {
    expect(() => parse('status=404&idx=1')).toThrow(AppError);
    expect(() => parse('MsgId=&status=404')).toThrow(/MsgId is missing/);
    expect(() => parse('MsgId=,&status=404,404')).toThrow(/MsgId is missing/);
    expect(() => parse('MsgId=a&idx=1')).toThrow(/status is missing/);
    expect(() => parse('MsgId=a,b&status=404')).toThrow(/status has 1 values for 2 MsgId values/);
    expect(() => parse('MsgId=a,b&status=404,404&idx=1,2,3')).toThrow(/idx has 3 values/);
    expect(() => parse('MsgId=a,b&status=404,404&donedate=1700000000')).toThrow(AppError);
    expect(() => parse('MsgId=a,b&status=404,404&mcc=284,284&mnc=01')).toThrow(AppError);
  });
});

describe('verifyCallbackSecret', () => {
  it('accepts only the configured secret', () => {
    expect(verifyCallbackSecret('s3cr3t-value', 's3cr3t-value')).toBe(true);
    expect(verifyCallbackSecret('s3cr3t-valuf', 's3cr3t-value')).toBe(false);
    expect(verifyCallbackSecret('s3cr3t', 's3cr3t-value')).toBe(false);
    expect(verifyCallbackSecret('s3cr3t-value-and-more', 's3cr3t-value')).toBe(false);
    expect(verifyCallbackSecret('', 's3cr3t-value')).toBe(false);
    expect(verifyCallbackSecret(null, 's3cr3t-value')).toBe(false);
  });

  it('refuses everything when no secret is configured', () => {
    expect(verifyCallbackSecret('', '')).toBe(false);
    expect(verifyCallbackSecret('anything', '')).toBe(false);
    expect(verifyCallbackSecret(null, '')).toBe(false);
  });
});
