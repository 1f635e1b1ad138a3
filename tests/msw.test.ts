import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { mockHttp } from './msw';

describe('outside HTTP', () => {
  it('answers from a handler when one is registered', async () => {
    mockHttp.use(http.get('https://api.example.test/ping', () => HttpResponse.json({ pong: true })));
    const response = await fetch('https://api.example.test/ping');
    expect(await response.json()).toEqual({ pong: true });
  });

  it('fails a request that no handler expects, instead of reaching the network', async () => {
    await expect(fetch('https://unexpected.example.test/')).rejects.toThrow();
  });
});
