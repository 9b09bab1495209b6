import { describe, expect, it } from 'vitest';
import { composeDsn, type DsnInput } from './dsn.js';
import { readReport } from './testing/report.js';

const original = Buffer.from(
  'From: Alice <alice@example.test>\r\nTo: bob@remote.test\r\nSubject: 季度报告\r\nMessage-ID: <q3@example.test>\r\n\r\n',
);

const input = (over: Partial<DsnInput> = {}): DsnInput => ({
  action: 'failed',
  hostname: 'mx.example.test',
  to: 'alice@example.test',
  arrivalDate: Date.UTC(2026, 0, 5, 8, 0, 0),
  originalMessageId: '<q3@example.test>',
  originalSubject: '季度报告',
  originalHeaders: original,
  recipients: [
    {
      address: 'bob@remote.test',
      code: 550,
      enhanced: '5.1.1',
      response: '5.1.1 <bob@remote.test>: Recipient address rejected\r\nUser unknown',
      remoteHost: 'mx1.remote.test',
      lastAttemptAt: Date.UTC(2026, 0, 5, 8, 1, 0),
    },
    {
      address: 'carol@remote.test',
      code: null,
      enhanced: null,
      response: 'connection refused',
      remoteHost: null,
      lastAttemptAt: null,
    },
  ],
  now: Date.UTC(2026, 0, 5, 8, 1, 0),
  ...over,
});

describe('delivery status notifications (RFC 3464)', () => {
  it('are a multipart/report: human text, delivery-status, the original headers', async () => {
    const dsn = composeDsn(input());
    const r = await readReport(dsn.bytes);
    expect(r.type.value).toBe('multipart/report');
    expect(r.type.params['report-type']).toBe('delivery-status');
    expect(r.parts.map((p) => p.contentType)).toEqual([
      'text/plain',
      'message/delivery-status',
      'text/rfc822-headers',
    ]);
    expect(r.closed).toBe(true);
    expect(r.parsed.subject).toBe('退信：邮件无法投递 / Undelivered Mail Returned to Sender');
    expect(r.parsed.from?.value[0]?.address).toBe('MAILER-DAEMON@mx.example.test');
    expect(r.parsed.to && 'value' in r.parsed.to ? r.parsed.to.value[0]?.address : '').toBe(
      'alice@example.test',
    );
    expect(r.parsed.inReplyTo).toBe('<q3@example.test>');
    expect(r.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    // The human part, both languages, every recipient.
    expect(r.parsed.text).toContain('未能投递');
    expect(r.parsed.text).toContain('could not be delivered');
    expect(r.parsed.text).toContain('<carol@remote.test>: connection refused');
    expect(r.parts[2]?.body).toContain('Subject: 季度报告\r\nMessage-ID: <q3@example.test>\r\n');
  });

  it('carry per-message and per-recipient fields', async () => {
    const r = await readReport(composeDsn(input()).bytes);
    expect(r.perMessage).toEqual({
      'reporting-mta': 'dns; mx.example.test',
      'arrival-date': 'Mon, 05 Jan 2026 08:00:00 +0000',
    });
    expect(r.perRecipient).toEqual([
      {
        'final-recipient': 'rfc822; bob@remote.test',
        action: 'failed',
        status: '5.1.1',
        'remote-mta': 'dns; mx1.remote.test',
        // The remote's multi-line answer on one line.
        'diagnostic-code': 'smtp; 550 5.1.1 <bob@remote.test>: Recipient address rejected User unknown',
        'last-attempt-date': 'Mon, 05 Jan 2026 08:01:00 +0000',
      },
      // No answer at all: the class a given-up delivery has (RFC 3463 4.4.7), no diagnostic.
      { 'final-recipient': 'rfc822; carol@remote.test', action: 'failed', status: '4.4.7' },
    ]);
  });

  it('say when a delayed message will be given up', async () => {
    const until = Date.UTC(2026, 0, 10, 8, 0, 0);
    const r = await readReport(composeDsn(input({ action: 'delayed', willRetryUntil: until })).bytes);
    expect(r.parsed.subject).toContain('Delayed Mail');
    expect(r.perRecipient.map((g) => [g.action, g.status, g['will-retry-until']])).toEqual([
      // A permanent code cannot describe a delay: the generic temporary one instead.
      ['delayed', '4.0.0', 'Sat, 10 Jan 2026 08:00:00 +0000'],
      ['delayed', '4.0.0', 'Sat, 10 Jan 2026 08:00:00 +0000'],
    ]);
    expect(r.parsed.text).toContain('Sat, 10 Jan 2026 08:00:00 +0000');
  });
});
