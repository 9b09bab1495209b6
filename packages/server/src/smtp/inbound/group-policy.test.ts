import pino from 'pino';
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { type GroupPolicy, type GroupPolicyOf, OPEN_POLICY } from '../../filter/index.js';
import type { TraceEvent } from '../../trace/index.js';
import { createGroupPolicyStage } from './group-policy.js';
import type { RemoteRecipients, ResolvedRecipients } from './rcpt.js';

const group = (name: string, policy: Partial<GroupPolicy>): GroupPolicyOf => ({
  groupId: `g-${name}`,
  groupName: name,
  policy: { ...OPEN_POLICY, ...policy },
});
const POLICIES: Record<string, GroupPolicyOf[]> = {
  'intern@example.com': [group('Interns', { send: 'inside', maxSendBytes: 5000 })],
  'cfo@example.com': [group('Finance', { maxReceiveBytes: 1000, sizeLimitsApply: 'outside' })],
  'board@example.com': [group('Board', { receive: 'inside' })],
};
const addr = (address: string): SMTPServerAddress => ({ address, args: false });

function session(mailFrom: string, options: { user?: string; size?: number } = {}) {
  return {
    id: 's1',
    user: options.user,
    envelope: {
      mailFrom: { address: mailFrom, args: options.size ? { SIZE: String(options.size) } : false },
      rcptTo: [] as SMTPServerAddress[],
    },
  } as unknown as SMTPServerSession;
}

function stage(submission: boolean) {
  const resolved: ResolvedRecipients = new WeakMap();
  const remote: RemoteRecipients = new WeakSet();
  const events: TraceEvent[] = [];
  const s = createGroupPolicyStage({
    policies: { policiesOf: async (a) => POLICIES[a] ?? [] },
    submission,
    resolved,
    remote,
    trace: { record: (e) => events.push(e) },
    maxMessageSize: 1_000_000,
    log: pino({ level: 'silent' }),
  });
  /** RCPT as the listener runs it: the recipient stage resolved `users` (or a remote address), then policies. */
  const rcpt = async (sess: SMTPServerSession, to: string, users?: string[]) => {
    const a = addr(to);
    if (users)
      resolved.set(
        a,
        users.map((u, i) => ({ userId: `u${i}`, address: u })),
      );
    else remote.add(a);
    await s.rcpt(a, sess);
    sess.envelope.rcptTo.push(a);
    return a;
  };
  return { s, rcpt, resolved, events };
}

describe('group policy stage', () => {
  it('submission: refuses an intern’s outside recipient, and holds their size at DATA', async () => {
    const { s, rcpt, events } = stage(true);
    const sess = session('intern@example.com', { user: 'u-intern' });
    await expect(rcpt(sess, 'partner@remote.test')).rejects.toMatchObject({
      responseCode: 550,
      message: '5.7.1 intern@example.com may send mail only inside the company',
    });
    expect(events).toMatchObject([
      { event: 'refused', recipient: 'partner@remote.test', detail: { code: 550 } },
    ]);
    await rcpt(sess, 'bob@example.com', ['bob@example.com']);
    expect(s.maxSizeOf(sess)).toBe(5000);
    const tooBig = Object.assign(new Error('5.3.4 Message too big for system'), { responseCode: 552 });
    expect(s.explain(sess, tooBig)).toMatchObject({
      responseCode: 552,
      message: '5.3.4 intern@example.com may send messages of at most 5000 bytes',
    });
    // Other errors pass as they are.
    const other = Object.assign(new Error('4.3.0 x'), { responseCode: 451 });
    expect(s.explain(sess, other)).toBe(other);
  });

  it('MX: a local MAIL FROM is still outside; a group address drops only the refused members', async () => {
    const { s, rcpt, resolved } = stage(false);
    const sess = session('ceo@example.com', { size: 2000 });
    await expect(rcpt(sess, 'board@example.com', ['board@example.com'])).rejects.toMatchObject({
      responseCode: 550,
    });
    await expect(rcpt(sess, 'cfo@example.com', ['cfo@example.com'])).rejects.toMatchObject({
      responseCode: 552,
      message: '5.3.4 cfo@example.com takes messages of at most 1000 bytes',
    });
    const all = await rcpt(sess, 'all@example.com', [
      'cfo@example.com',
      'bob@example.com',
      'board@example.com',
    ]);
    expect(resolved.get(all)).toEqual([{ userId: 'u1', address: 'bob@example.com' }]);
    // Without SIZE, the finance member stays and the limit is held at DATA.
    const undeclared = session('x@remote.test');
    const cfo = await rcpt(undeclared, 'cfo@example.com', ['cfo@example.com']);
    expect(resolved.get(cfo)).toHaveLength(1);
    expect(s.maxSizeOf(undeclared)).toBe(1000);
  });
});
