import type { SmtpAnswer } from '../verdict.js';
import type { GroupPolicy } from './policy-schema.js';

/** A policy with the group it belongs to, for the answer's text and the trace. */
export interface GroupPolicyOf {
  groupId: string;
  groupName: string;
  policy: GroupPolicy;
}

/** One side of a mail transaction as RCPT knows it. */
export interface PolicyParty {
  address: string;
  /**
   * Inside the company. For a sender: a signed-in local user, or local
   * delivery — never merely a MAIL FROM in a local domain on the MX, which
   * anyone can write. For a recipient: a local mailbox.
   */
  local: boolean;
  /** The policies of the groups the party is a member of (directly or through a subgroup). */
  policies: readonly GroupPolicyOf[];
}

export interface GroupPolicyInput {
  sender: PolicyParty;
  recipient: PolicyParty;
  /** The size declared with MAIL FROM's SIZE= (RFC 1870), or the received size at DATA; null: unknown. */
  size: number | null;
}

export type GroupPolicyDecision =
  | { allow: true }
  | { allow: false; answer: SmtpAnswer; groupId: string; reason: string };

// RFC 3463 §3.8: 5.7.1 delivery not authorized; §3.4: 5.3.4 message too big for system (policy).
const refuse = (g: GroupPolicyOf, text: string): GroupPolicyDecision => ({
  allow: false,
  groupId: g.groupId,
  reason: `group ${g.groupName}: ${text}`,
  answer: { code: 550, enhanced: '5.7.1', text },
});
const tooBig = (g: GroupPolicyOf, text: string): GroupPolicyDecision => ({
  allow: false,
  groupId: g.groupId,
  reason: `group ${g.groupName}: ${text}`,
  answer: { code: 552, enhanced: '5.3.4', text },
});

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
const inDomains = (domain: string, list: readonly string[]) =>
  list.some((d) => {
    const x = d.toLowerCase();
    return domain === x || domain.endsWith(`.${x}`);
  });

function checkSender(g: GroupPolicyOf, input: GroupPolicyInput): GroupPolicyDecision | null {
  const { sender, recipient, size } = input;
  const p = g.policy;
  if (!recipient.local && p.send === 'inside')
    return refuse(g, `${sender.address} may send mail only inside the company`);
  if (
    !recipient.local &&
    p.allowedRecipientDomains.length > 0 &&
    !inDomains(domainOf(recipient.address), p.allowedRecipientDomains)
  )
    return refuse(g, `${sender.address} may not send mail to ${domainOf(recipient.address)}`);
  const limited = p.sizeLimitsApply === 'all' || !recipient.local;
  if (limited && size !== null && p.maxSendBytes !== null && size > p.maxSendBytes)
    return tooBig(g, `${sender.address} may send messages of at most ${p.maxSendBytes} bytes`);
  return null;
}

function checkRecipient(g: GroupPolicyOf, input: GroupPolicyInput): GroupPolicyDecision | null {
  const { sender, recipient, size } = input;
  const p = g.policy;
  if (!sender.local && p.receive === 'inside')
    return refuse(g, `${recipient.address} takes mail only from inside the company`);
  const limited = p.sizeLimitsApply === 'all' || !sender.local;
  if (limited && size !== null && p.maxReceiveBytes !== null && size > p.maxReceiveBytes)
    return tooBig(g, `${recipient.address} takes messages of at most ${p.maxReceiveBytes} bytes`);
  return null;
}

/**
 * Whether the group policies of the sender and of one recipient allow this
 * message: only what RCPT TO knows is needed (the two parties, their groups'
 * policies, the declared size), so a refusal is answered at RCPT (or at DATA
 * when the size becomes known) with a clear reply. Every policy of every
 * group applies: the first that refuses answers, sender's groups first.
 */
export function checkGroupPolicy(input: GroupPolicyInput): GroupPolicyDecision {
  for (const g of input.sender.policies) {
    const refused = checkSender(g, input);
    if (refused) return refused;
  }
  for (const g of input.recipient.policies) {
    const refused = checkRecipient(g, input);
    if (refused) return refused;
  }
  return { allow: true };
}
