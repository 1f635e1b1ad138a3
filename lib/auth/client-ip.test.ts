import { afterEach, describe, expect, it } from 'vitest';
import { clientIp } from './client-ip';

const headers = (xff?: string) => new Headers(xff ? { 'x-forwarded-for': xff } : {});

describe('clientIp', () => {
  afterEach(() => {
    delete process.env.TRUST_PROXY_HOPS;
  });
  it('uses the address our own server appended last', () => {
    expect(clientIp(headers('203.0.113.5'))).toBe('203.0.113.5');
    expect(clientIp(headers('1.2.3.4, 203.0.113.5'))).toBe('203.0.113.5');
  });
  it('skips the trusted proxies, never trusting what the client wrote before them', () => {
    process.env.TRUST_PROXY_HOPS = '1';
    expect(clientIp(headers('6.6.6.6, 198.51.100.7, 10.0.0.1'))).toBe('198.51.100.7');
    expect(clientIp(headers('127.0.0.1'))).toBe('127.0.0.1');
  });
  it('says unknown without the header', () => {
    expect(clientIp(headers())).toBe('unknown');
  });
});
