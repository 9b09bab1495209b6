import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { JdMail, verifyWebhook, WebhookVerificationError } from './index.js';
import { json, scriptedFetch } from './test-fetch.js';

// Signatures made by the `standardwebhooks` package (the spec's reference
// implementation for JavaScript), checked by our Web Crypto verifier.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER = 'whsec_9dOJ7M1pfRH5iaV6xTyxnkaz8Y4QMNFj';
const body = JSON.stringify({ specversion: '1.0', id: 'ev1', type: 'message.new', data: { subject: 'hi' } });

function signed(secrets: string[], at = new Date(), id = 'ev1') {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(id, at, body)).join(' '),
  };
}

describe('verifyWebhook', () => {
  it('accepts a delivery signed per Standard Webhooks and returns the event', async () => {
    const event = await verifyWebhook(body, signed([SECRET]), SECRET);
    expect(event).toMatchObject({ id: 'ev1', type: 'message.new' });
    // Bytes, fetch Headers and upper-case header names work the same.
    const headers = new Headers(signed([SECRET]));
    expect(await verifyWebhook(new TextEncoder().encode(body), headers, SECRET)).toEqual(event);
    const upper = Object.fromEntries(
      Object.entries(signed([SECRET])).map(([k, v]) => [k.toUpperCase(), [v]]),
    );
    expect(await verifyWebhook(body, upper, SECRET)).toEqual(event);
  });

  it('accepts either secret during a rotation (two signatures), and several secrets given', async () => {
    const both = signed([OTHER, SECRET]);
    expect(await verifyWebhook(body, both, SECRET)).toMatchObject({ id: 'ev1' });
    expect(await verifyWebhook(body, both, OTHER)).toMatchObject({ id: 'ev1' });
    expect(await verifyWebhook(body, signed([OTHER]), [SECRET, OTHER])).toMatchObject({ id: 'ev1' });
  });

  it('refuses a changed body, another secret, another id, a stale or future timestamp, missing headers', async () => {
    const refused = (p: Promise<unknown>, why: RegExp) => expect(p).rejects.toThrow(why);
    await refused(verifyWebhook(body.replace('hi', 'ho'), signed([SECRET]), SECRET), /no matching signature/);
    await refused(verifyWebhook(body, signed([OTHER]), SECRET), /no matching signature/);
    await refused(verifyWebhook(body, { ...signed([SECRET]), 'webhook-id': 'ev2' }, SECRET), /no matching/);
    await refused(verifyWebhook(body, signed([SECRET], new Date(Date.now() - 600_000)), SECRET), /too old/);
    await refused(verifyWebhook(body, signed([SECRET], new Date(Date.now() + 600_000)), SECRET), /future/);
    await refused(verifyWebhook(body, { 'webhook-id': 'ev1' }, SECRET), /missing/);
    await expect(verifyWebhook(body, {}, SECRET)).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it('agrees with standardwebhooks on what it refuses', async () => {
    const h = signed([SECRET]);
    const tampered = body.replace('ev1', 'ev9');
    expect(() => new Webhook(SECRET).verify(tampered, h)).toThrow();
    await expect(verifyWebhook(tampered, h, SECRET)).rejects.toThrow();
  });
});

describe('jd.webhooks', () => {
  const endpoint = { id: 'w1', url: 'https://oa.example.com/hook', enabled: true };
  it('calls each route with its method and body', async () => {
    const { fetch, calls } = scriptedFetch(
      json(201, { endpoint, secret: SECRET }),
      json(200, { items: [endpoint], nextCursor: null }),
      json(200, endpoint),
      json(200, endpoint),
      json(200, { endpoint, secret: OTHER }),
      json(200, endpoint),
      json(200, { items: [{ id: 'a1', ok: false }], nextCursor: null }),
      json(200, { id: 'a2', ok: true }),
      json(204, null),
    );
    const jd = new JdMail({ baseUrl: 'https://mail.example.com', token: 'jdk_t', fetch, maxRetries: 0 });
    expect((await jd.webhooks.create({ url: endpoint.url, eventTypes: ['user.*'] })).secret).toBe(SECRET);
    for await (const e of jd.webhooks.list()) expect(e.id).toBe('w1');
    await jd.webhooks.get('w/1');
    await jd.webhooks.update('w1', { enabled: false });
    expect((await jd.webhooks.rotateSecret('w1', { overlapHours: 2 })).secret).toBe(OTHER);
    await jd.webhooks.enable('w1');
    for await (const a of jd.webhooks.attempts('w1')) expect(a.id).toBe('a1');
    expect((await jd.webhooks.test('w1')).ok).toBe(true);
    await jd.webhooks.delete('w1');
    expect(calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
      'POST /api/v1/webhooks',
      'GET /api/v1/webhooks',
      'GET /api/v1/webhooks/w%2F1',
      'PATCH /api/v1/webhooks/w1',
      'POST /api/v1/webhooks/w1/rotate-secret',
      'POST /api/v1/webhooks/w1/enable',
      'GET /api/v1/webhooks/w1/attempts',
      'POST /api/v1/webhooks/w1/test',
      'DELETE /api/v1/webhooks/w1',
    ]);
    expect(calls[0]?.body).toEqual({ url: endpoint.url, eventTypes: ['user.*'] });
    expect(calls[4]?.body).toEqual({ overlapHours: 2 });
  });
});
