import { describe, expect, it } from 'vitest';
import { pickEncoding } from './download';

describe('pickEncoding', () => {
  it('prefers zstd, then gzip, as the client accepts them', () => {
    expect(pickEncoding('gzip, deflate, br, zstd')).toBe('zstd');
    expect(pickEncoding('gzip, deflate')).toBe('gzip');
    expect(pickEncoding('GZIP;q=0.5')).toBe('gzip');
    expect(pickEncoding('*')).toBe('zstd');
  });

  it('sends it as it is without an accepted encoding', () => {
    expect(pickEncoding(null)).toBeNull();
    expect(pickEncoding('')).toBeNull();
    expect(pickEncoding('identity')).toBeNull();
    expect(pickEncoding('br, deflate')).toBeNull();
    expect(pickEncoding('gzip;q=0, zstd;q=0')).toBeNull();
    expect(pickEncoding('*, zstd;q=0, gzip;q=0')).toBeNull();
    expect(pickEncoding('gzip;q=bad')).toBeNull();
  });
});
