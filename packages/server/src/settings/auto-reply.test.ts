import { describe, expect, it } from 'vitest';
import { type AutoReplyFacts, autoReplyMessage, autoReplyRefusal, autoReplySubject } from './auto-reply.js';
import { headerFields } from './header-fields.js';
import { DEFAULT_VACATION } from './types.js';

const NOW = Date.UTC(2026, 5, 1);
const on = { ...DEFAULT_VACATION, enabled: true, text: 'Away until Monday' };

/** The facts of a plain message from bob to alice, with `headers` on top and `over` applied. */
function facts(headers = '', over: Partial<AutoReplyFacts> = {}): AutoReplyFacts {
  const head = Buffer.from(`${headers}From: bob@remote.test\r\nTo: alice@a.test\r\nSubject: hi\r\n\r\nbody`);
  return {
    mailFrom: 'bob@remote.test',
    fields: headerFields(head),
    addressedTo: ['alice@a.test'],
    own: new Set(['alice@a.test', 'ali@a.test']),
    junk: false,
    vacation: on,
    now: NOW,
    ...over,
  };
}

describe('autoReplyRefusal (RFC 3834 §2, RFC 5230 §4.5–4.6)', () => {
  it('answers a plain message addressed to the user, also through an alias or in Cc', () => {
    expect(autoReplyRefusal(facts())).toBeNull();
    expect(autoReplyRefusal(facts('', { addressedTo: ['x@a.test', 'ali@a.test'] }))).toBeNull();
    expect(autoReplyRefusal(facts('Auto-Submitted: no\r\n'))).toBeNull();
  });

  it.each([
    ['off', facts('', { vacation: { ...on, enabled: false } })],
    ['not started', facts('', { vacation: { ...on, startsAt: NOW + 1 } })],
    ['ended', facts('', { vacation: { ...on, endsAt: NOW } })],
    ['null sender', facts('', { mailFrom: '' })],
    ['system sender', facts('', { mailFrom: 'MAILER-DAEMON@remote.test' })],
    ['list sender', facts('', { mailFrom: 'owner-staff@remote.test' })],
    ['list sender', facts('', { mailFrom: 'staff-request@remote.test' })],
    ['own address', facts('', { mailFrom: 'ali@a.test' })],
    ['auto-submitted', facts('Auto-Submitted: auto-replied\r\n')],
    ['auto-submitted', facts('auto-submitted: Auto-Generated; owner-email="x@y"\r\n')],
    ['precedence', facts('Precedence: bulk\r\n')],
    ['precedence', facts('Precedence: list\r\n')],
    ['precedence', facts('Precedence: junk\r\n')],
    ['list message', facts('List-Id: <staff.remote.test>\r\n')],
    ['list message', facts('List-Unsubscribe: <mailto:leave@remote.test>\r\n')],
    ['spam', facts('', { junk: true })],
    ['not addressed', facts('', { addressedTo: ['everyone@a.test'] })],
  ])('refuses: %s', (reason, f) => {
    expect(autoReplyRefusal(f)).toBe(reason);
  });

  it('answers inside the window and no more at its end', () => {
    const window = { ...on, startsAt: NOW - 1000, endsAt: NOW + 1000 };
    expect(autoReplyRefusal(facts('', { vacation: window }))).toBeNull();
    expect(autoReplyRefusal(facts('', { vacation: window, now: NOW + 1000 }))).toBe('ended');
  });
});

describe('the auto-reply message (RFC 3834 §3)', () => {
  it('is marked auto-replied, threads under the original and takes the user’s or an Auto: subject', () => {
    expect(autoReplySubject(on, '季度报告')).toBe('Auto: 季度报告');
    expect(autoReplySubject({ ...on, subject: '休假中\r\nBcc: x@y' }, 'x')).toBe('休假中 Bcc: x@y');
    const raw = autoReplyMessage({
      from: { address: 'alice@a.test', name: '张三' },
      to: 'bob@remote.test',
      subject: 'Auto: 季度报告',
      text: '我在休假，周一回来。',
      original: { messageId: '<m2@remote.test>', references: '<m1@remote.test>' },
      hostname: 'mx.a.test',
      now: NOW,
    });
    const fields = headerFields(Buffer.from(raw));
    const get = (n: string) => fields.find((f) => f.name === n)?.value;
    expect(get('auto-submitted')).toBe('auto-replied');
    expect(get('in-reply-to')).toBe('<m2@remote.test>');
    expect(get('references')).toBe('<m1@remote.test> <m2@remote.test>');
    expect(get('to')).toBe('<bob@remote.test>');
    expect(get('from')).toMatch(/^=\?UTF-8\?Q\?.+\?= <alice@a\.test>$/);
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    expect(Buffer.from(body, 'base64').toString('utf8')).toBe('我在休假，周一回来。');
  });
});
