import { describe, expect, it } from 'vitest';
import { checkGroupPolicy, type GroupPolicyOf, type PolicyParty } from './check-group-policy.js';
import { type GroupPolicy, OPEN_POLICY } from './policy-schema.js';

const group = (name: string, policy: Partial<GroupPolicy>): GroupPolicyOf => ({
  groupId: `g-${name}`,
  groupName: name,
  policy: { ...OPEN_POLICY, ...policy },
});
const party = (address: string, local: boolean, ...policies: GroupPolicyOf[]): PolicyParty => ({
  address,
  local,
  policies,
});

describe('checkGroupPolicy', () => {
  const interns = group('Interns', { send: 'inside' });
  const finance = group('Finance', { maxReceiveBytes: 20_000_000, sizeLimitsApply: 'outside' });

  it('allows what no policy restricts', () => {
    expect(
      checkGroupPolicy({
        sender: party('a@example.com', true),
        recipient: party('x@else.test', false),
        size: 10,
      }),
    ).toEqual({ allow: true });
  });

  it('keeps a send-inside group’s mail inside the company, with 550 5.7.1', () => {
    const intern = party('intern@example.com', true, interns);
    expect(
      checkGroupPolicy({ sender: intern, recipient: party('bob@example.com', true), size: null }),
    ).toEqual({
      allow: true,
    });
    expect(checkGroupPolicy({ sender: intern, recipient: party('x@else.test', false), size: null })).toEqual({
      allow: false,
      groupId: 'g-Interns',
      reason: 'group Interns: intern@example.com may send mail only inside the company',
      answer: {
        code: 550,
        enhanced: '5.7.1',
        text: 'intern@example.com may send mail only inside the company',
      },
    });
  });

  it('limits outside recipients to the allowed domains and their subdomains', () => {
    const sales = party('s@example.com', true, group('Sales', { allowedRecipientDomains: ['partner.test'] }));
    const to = (address: string, local = false) =>
      checkGroupPolicy({ sender: sales, recipient: party(address, local), size: null }).allow;
    expect(to('a@partner.test')).toBe(true);
    expect(to('a@eu.PARTNER.test')).toBe(true);
    expect(to('a@notpartner.test')).toBe(false);
    expect(to('bob@example.com', true)).toBe(true);
  });

  it('refuses outside mail to a receive-inside group, and never trusts a sender that is not local', () => {
    const board = party('ceo@example.com', true, group('Board', { receive: 'inside' }));
    expect(
      checkGroupPolicy({ sender: party('x@else.test', false), recipient: board, size: null }),
    ).toMatchObject({
      allow: false,
      answer: {
        code: 550,
        enhanced: '5.7.1',
        text: 'ceo@example.com takes mail only from inside the company',
      },
    });
    // A MAIL FROM in a local domain on the MX is not "local": the caller passes local: false.
    expect(
      checkGroupPolicy({ sender: party('spoof@example.com', false), recipient: board, size: null }).allow,
    ).toBe(false);
    expect(
      checkGroupPolicy({ sender: party('cfo@example.com', true), recipient: board, size: null }).allow,
    ).toBe(true);
  });

  it('applies size limits with 552 5.3.4, to outside mail only when the policy says so', () => {
    const fin = party('f@example.com', true, finance);
    const big = 25_000_000;
    expect(
      checkGroupPolicy({ sender: party('x@else.test', false), recipient: fin, size: big }),
    ).toMatchObject({
      allow: false,
      answer: { code: 552, enhanced: '5.3.4' },
    });
    expect(checkGroupPolicy({ sender: party('x@example.com', true), recipient: fin, size: big }).allow).toBe(
      true,
    );
    expect(checkGroupPolicy({ sender: party('x@else.test', false), recipient: fin, size: null }).allow).toBe(
      true,
    );
    const senders = party('s@example.com', true, group('Small', { maxSendBytes: 1000 }));
    expect(
      checkGroupPolicy({ sender: senders, recipient: party('b@example.com', true), size: 1001 }),
    ).toMatchObject({
      allow: false,
      answer: { code: 552 },
    });
  });

  it('answers with the sender’s groups first when several policies refuse', () => {
    const sender = party('intern@example.com', true, interns);
    const recipient = party('x@else.test', false, group('Other', { receive: 'inside' }));
    expect(checkGroupPolicy({ sender, recipient, size: null })).toMatchObject({ groupId: 'g-Interns' });
  });
});
