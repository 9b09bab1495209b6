import { describe, expect, it } from 'vitest';
import { afterFailure, retryDelayMs } from './backoff.js';
import { createWebhookHttp } from './http.js';
import { checkTargetUrl, isPublicAddress } from './ssrf.js';
import { startReceiver } from './testing/receiver.js';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '192.0.2.1',
    '::',
    '::1',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::7f00:1',
    '2002:7f00:1::1',
    '2001:db8::1',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('checkTargetUrl', () => {
  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::ffff:7f00:1]/hook',
    'https://10.0.0.5/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://0.0.0.0/',
    'http://2130706433/',
    'http://0x7f.1/',
  ])('refuses %s when private targets are not allowed', async (url) => {
    await expect(checkTargetUrl(url, false)).rejects.toMatchObject({
      code: 'WEBHOOK_TARGET_REFUSED',
      status: 422,
    });
  });

  it.each([
    ['ftp://example.com/', 'must be http or https'],
    ['file:///etc/passwd', 'must be http or https'],
    ['https://user:pw@example.com/', 'must not carry a user name or password'],
    ['not a url', 'is not an absolute URL'],
    ['https://no-such-host.invalid/', 'does not resolve'],
  ])('refuses %s', async (url, why) => {
    await expect(checkTargetUrl(url, false)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining(why),
    });
  });

  it('accepts loopback when allowed, and a public literal address', async () => {
    expect(await checkTargetUrl('http://127.0.0.1:9/x', true)).toBe('http://127.0.0.1:9/x');
    expect(await checkTargetUrl('https://93.184.215.14/x', false)).toBe('https://93.184.215.14/x');
  });
});

describe('delivery-time guard (a name that turns private after registration)', () => {
  it('refuses to connect to a loopback address, literal or resolved, and follows no redirect', async () => {
    const r = await startReceiver(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']);
    try {
      const strict = createWebhookHttp({ timeoutMs: 2000, allowPrivateTargets: false, userAgent: 't' });
      const port = new URL(r.url).port;
      for (const url of [r.url, `http://localhost:${port}/hook`]) {
        const res = await strict.post(url, '{}', {});
        expect(res).toMatchObject({ ok: false, status: null });
        expect(res.error).toMatch(/not a public address/);
      }
      await strict.close();
      expect(r.deliveries).toHaveLength(0);

      const open = createWebhookHttp({ timeoutMs: 2000, allowPrivateTargets: true, userAgent: 't' });
      r.answer = () => 302;
      const res = await open.post(r.url, '{}', {
        'webhook-id': 'x',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,AAAA',
      });
      expect(res).toMatchObject({ ok: false, status: 401 });
      await open.close();
    } finally {
      await r.close();
    }
  });
});

describe('retry schedule', () => {
  const policy = { baseMs: 5000, maxMs: 3_600_000, giveUpMs: 86_400_000, maxFailures: 50 };
  it('doubles from the base to the cap, half of it jitter', () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(2500);
    expect(retryDelayMs(1, policy, () => 1)).toBe(5000);
    expect(retryDelayMs(4, policy, () => 1)).toBe(40_000);
    expect(retryDelayMs(30, policy, () => 1)).toBe(3_600_000);
    expect(retryDelayMs(30, policy, () => 0)).toBe(1_800_000);
  });
  it('gives up after the threshold, or a day after the first failure, the last attempt at the deadline', () => {
    expect(afterFailure({ failures: 50, failingSince: 0 }, 1000, policy, 'HTTP 500')).toEqual({
      disable: '50 failed attempts in a row (webhooks.disableAfterFailures); last: HTTP 500',
    });
    expect(afterFailure({ failures: 7, failingSince: 0 }, 86_400_000, policy, 'timed out')).toEqual({
      disable: 'failing for 24 h (webhooks.retryHours); last: timed out',
    });
    expect(afterFailure({ failures: 20, failingSince: 0 }, 86_000_000, policy, 'x', () => 1)).toEqual({
      retryAt: 86_400_000,
    });
  });
});
