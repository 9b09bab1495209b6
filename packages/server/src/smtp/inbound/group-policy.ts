import type { Logger } from 'pino';
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import {
  checkGroupPolicy,
  type GroupPolicies,
  type GroupPolicyDecision,
  type GroupPolicyInput,
  type PolicyParty,
} from '../../filter/index.js';
import { normalizeAddress } from '../../shared/index.js';
import type { TraceEvent } from '../../trace/index.js';
import { smtpError } from '../errors.js';
import type { RemoteRecipients, ResolvedRecipients } from './rcpt.js';

export interface GroupPolicyStageDeps {
  /** `policiesOf` is asked once per party: pass the cached policies (`createCachedGroupPolicies`). */
  policies: Pick<GroupPolicies, 'policiesOf'>;
  /**
   * Submission: the sender is the signed-in user (MAIL FROM is checked to be
   * theirs), inside the company, bound by their groups' sending rules. MX: the
   * sender is never inside, whatever domain MAIL FROM names (anyone can write it).
   */
  submission: boolean;
  /** What the RCPT stage accepted: local users per recipient, and (submission) remote recipients. */
  resolved: ResolvedRecipients;
  remote?: RemoteRecipients;
  /** Where refusals are recorded (`refused`); absent: none. */
  trace?: { record(event: TraceEvent): void };
  /** The listener's own limit (`smtp.maxMessageSize`): a group limit above it never decides. */
  maxMessageSize: number;
  log: Logger;
}

/** A size limit a transaction is held to at DATA, with the answer given when it is passed. */
interface SizeLimit {
  bytes: number;
  decision: Extract<GroupPolicyDecision, { allow: false }>;
}

export interface GroupPolicyStage {
  /** After RCPT accepted `address`: refuses it (550 5.7.1 / 552 5.3.4), or drops the group members a policy refuses. */
  rcpt(address: SMTPServerAddress, session: SMTPServerSession): Promise<void>;
  /** The smallest group size limit of the transaction's recipients, for DATA when no SIZE was declared. */
  maxSizeOf(session: SMTPServerSession): number | undefined;
  /** At DATA: a 552 "too big" that a group limit caused becomes the group's answer (and a trace event). */
  explain(session: SMTPServerSession, err: unknown): unknown;
}

/** Declared size from `MAIL FROM:<…> SIZE=n` (RFC 1870), or null when not declared. */
function declaredSize(session: SMTPServerSession): number | null {
  const from = session.envelope.mailFrom;
  const args = from === false ? false : from.args;
  const n = args ? Number(args.SIZE ?? 0) : 0;
  return Number.isFinite(n) && n > 0 ? n : null;
}

const answerOf = (d: Extract<GroupPolicyDecision, { allow: false }>) =>
  smtpError(d.answer.code, `${d.answer.enhanced} ${d.answer.text}`);

/**
 * The smallest size at which the policies refuse this pair, found by asking
 * the evaluator itself just past each limit its policies name (so the rules
 * of `sizeLimitsApply` live in one place).
 */
function sizeLimitOf(input: Omit<GroupPolicyInput, 'size'>): SizeLimit | undefined {
  const candidates = [...input.sender.policies, ...input.recipient.policies]
    .flatMap((g) => [g.policy.maxSendBytes, g.policy.maxReceiveBytes])
    .filter((n): n is number => n !== null)
    .sort((a, b) => a - b);
  for (const bytes of candidates) {
    const d = checkGroupPolicy({ ...input, size: bytes + 1 });
    if (!d.allow && d.answer.code === 552) return { bytes, decision: d };
  }
  return undefined;
}

/**
 * Group mail policies at RCPT TO (issue 24 §5): what the sender's groups may
 * send (submission) and what each recipient's groups may receive (both
 * listeners). Policies are looked up per address through a cache, so a
 * recipient costs no database read while the cache holds it.
 *
 * A recipient that is a group address reaches many users: the members a
 * policy refuses are dropped from it (each recorded in the trace), and the
 * RCPT is refused only when none is left — mail to everyone@ still reaches
 * those who may have it.
 */
export function createGroupPolicyStage(deps: GroupPolicyStageDeps): GroupPolicyStage {
  const limits = new WeakMap<SMTPServerAddress, SizeLimit>();

  async function senderOf(session: SMTPServerSession): Promise<PolicyParty> {
    const from = session.envelope.mailFrom;
    const address = from ? normalizeAddress(from.address) : '';
    if (!deps.submission || !address || typeof session.user !== 'string')
      return { address, local: false, policies: [] };
    return { address, local: true, policies: await deps.policies.policiesOf(address) };
  }

  function refused(session: SMTPServerSession, recipient: string, d: GroupPolicyDecision, stage: string) {
    if (d.allow) return;
    const from = session.envelope.mailFrom;
    deps.log.info({ sid: session.id, recipient, reason: d.reason, stage }, 'refused by group policy');
    deps.trace?.record({
      at: Date.now(),
      event: 'refused',
      messageId: null,
      sender: from ? from.address : '',
      recipient,
      detail: { code: d.answer.code, enhanced: d.answer.enhanced, response: d.answer.text, reason: d.reason },
    });
  }

  async function rcpt(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    const users = deps.resolved.get(address);
    const isRemote = deps.remote?.has(address) ?? false;
    if (!users && !isRemote) return;
    const sender = await senderOf(session);
    const size = declaredSize(session);
    const parties: PolicyParty[] = users
      ? await Promise.all(
          users.map(async (u) => ({
            address: u.address,
            local: true,
            policies: await deps.policies.policiesOf(u.address),
          })),
        )
      : [{ address: normalizeAddress(address.address), local: false, policies: [] }];
    const kept: number[] = [];
    let first: Extract<GroupPolicyDecision, { allow: false }> | undefined;
    let limit: SizeLimit | undefined;
    for (const [i, recipient] of parties.entries()) {
      const d = checkGroupPolicy({ sender, recipient, size });
      if (!d.allow) {
        first ??= d;
        refused(session, recipient.address, d, 'rcpt');
        continue;
      }
      kept.push(i);
      const l = sizeLimitOf({ sender, recipient });
      if (l && (!limit || l.bytes < limit.bytes)) limit = l;
    }
    if (first && kept.length === 0) {
      deps.resolved.delete(address);
      deps.remote?.delete(address);
      throw answerOf(first);
    }
    if (users && kept.length < users.length)
      deps.resolved.set(
        address,
        kept.map((i) => users[i] as { userId: string; address: string }),
      );
    if (limit) limits.set(address, limit);
  }

  function smallest(session: SMTPServerSession): SizeLimit | undefined {
    let min: SizeLimit | undefined;
    for (const r of session.envelope.rcptTo) {
      const l = limits.get(r);
      if (l && (!min || l.bytes < min.bytes)) min = l;
    }
    return min;
  }

  return {
    rcpt,
    maxSizeOf: (session) => smallest(session)?.bytes,
    explain(session, err) {
      const l = smallest(session);
      const code = (err as { responseCode?: unknown }).responseCode;
      if (!l || l.bytes >= deps.maxMessageSize || code !== 552 || !/too big/i.test((err as Error).message))
        return err;
      for (const r of session.envelope.rcptTo) {
        if (limits.get(r)?.bytes === l.bytes) refused(session, r.address, l.decision, 'data');
      }
      return answerOf(l.decision);
    },
  };
}
