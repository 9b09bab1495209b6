import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness/server.js';
import { RawSmtp } from './harness/smtp-raw.js';
import { WebClient } from './harness/web-client.js';

// GET /metrics: Prometheus text, fed by the HTTP and SMTP listeners, open
// only to metrics.allowFrom by the connecting address.
describe('/metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      env: { JDMAIL_METRICS_ALLOW_FROM: '127.0.0.1', JDMAIL_HTTP_TRUST_PROXY: 'true' },
    });
  });
  afterAll(() => server?.destroy());

  const scrape = async (client = new WebClient()) => client.get(`${server.baseUrl}/metrics`);

  it('counts HTTP requests by route pattern and SMTP messages by outcome', async () => {
    const admin = { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' };
    await fetch(`${server.baseUrl}/api/v1/domains`, {
      method: 'POST',
      headers: admin,
      body: '{"name":"m.test"}',
    });
    await fetch(`${server.baseUrl}/api/v1/users`, {
      method: 'POST',
      headers: admin,
      body: '{"address":"ann@m.test","displayName":"Ann"}',
    });
    expect((await fetch(`${server.baseUrl}/api/v1/users/nobody@m.test`, { headers: admin })).status).toBe(
      404,
    );

    const smtp = await RawSmtp.connect(server.smtpPort);
    await smtp.reply();
    for (const [cmd, code] of [
      ['EHLO client.test', 250],
      ['MAIL FROM:<x@remote.test>', 250],
      ['RCPT TO:<ann@m.test>', 250],
      ['DATA', 354],
      ['Subject: hi\r\n\r\nhello\r\n.', 250],
      ['MAIL FROM:<x@remote.test>', 250],
      ['RCPT TO:<ann@m.test>', 250],
      ['DATA', 354],
      [`Subject: big\r\n\r\n${'x'.repeat(2000)}\r\n.`, 250],
      ['QUIT', 221],
    ] as const) {
      smtp.socket.write(`${cmd}\r\n`);
      expect((await smtp.reply()).code).toBe(code);
    }

    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    expect(text).toContain('jdmail_smtp_messages_total{listener="mx",result="stored"} 2');
    expect(text).toMatch(/^jdmail_smtp_connections_total\{listener="mx"\} [1-9]/m);
    expect(text).toMatch(/^jdmail_smtp_message_bytes_total\{listener="mx"\} (\d+)/m);
    expect(text).toContain(
      'jdmail_http_requests_total{method="POST",route="/api/v1/domains",status="201"} 1',
    );
    expect(text).toContain(
      'jdmail_http_requests_total{method="GET",route="/api/v1/users/:address",status="404"} 1',
    );
    expect(text).toMatch(
      /^jdmail_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/users"\} 1$/m,
    );
    expect(text).toMatch(/^jdmail_process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^jdmail_nodejs_eventloop_lag_seconds /m);
    // Addresses never become labels.
    expect(text).not.toContain('nobody@m.test');
    expect(text).not.toContain('ann@m.test');
  });

  it('refuses clients outside metrics.allowFrom, whatever X-Forwarded-For they send', async () => {
    const outsider = new WebClient({ localAddress: '127.0.0.2' });
    expect((await scrape(outsider)).status).toBe(403);
    const spoof = await outsider.get(`${server.baseUrl}/metrics`, { 'x-forwarded-for': '127.0.0.1' });
    expect(spoof.status).toBe(403);
  });
});
