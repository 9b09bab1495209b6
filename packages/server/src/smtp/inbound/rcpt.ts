import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import type { Directory } from '../../directory/index.js';
import { splitAddress } from '../../shared/index.js';
import { smtpError } from '../errors.js';

export interface RcptDeps {
  directory: Directory;
  maxRecipients: number;
  /** Submission: remote domains are relayed (see `remote`) or, without a queue, clearly refused. */
  submission: boolean;
  /** Where accepted recipients' resolved users are kept for the DATA stage. */
  resolved: ResolvedRecipients;
  /**
   * Submission with an outbound queue: accepted remote recipients are kept
   * here for the DATA stage, which queues them. The MX never relays.
   */
  remote?: RemoteRecipients;
}

/** Users an accepted RCPT resolved to, keyed by smtp-server's own rcptTo entry (the same object ends up in the envelope). */
export type ResolvedRecipients = WeakMap<SMTPServerAddress, { userId: string; address: string }[]>;

/** Remote recipients an authenticated sender named, by smtp-server's rcptTo entry. */
export type RemoteRecipients = WeakSet<SMTPServerAddress>;

/** Declared size from `MAIL FROM:<…> SIZE=n` (RFC 1870), or 0. */
function declaredSize(session: SMTPServerSession): number {
  const mailFrom = session.envelope.mailFrom;
  const args = mailFrom === false ? undefined : mailFrom.args;
  const n = args ? Number(args.SIZE ?? 0) : 0;
  return Number.isFinite(n) ? n : 0;
}

/**
 * RCPT TO stage: refuse at once what we will not deliver, so a sender learns
 * it in the SMTP dialogue rather than from a bounce (RFC 5321 §3.3).
 */
export function createRcptHandler(deps: RcptDeps) {
  return async (address: SMTPServerAddress, session: SMTPServerSession): Promise<void> => {
    if (session.envelope.rcptTo.length >= deps.maxRecipients) {
      throw smtpError(452, '4.5.3 Too many recipients'); // RFC 5321 §4.5.3.1.10
    }
    // One lookup in the common case: a recipient that resolves is local by definition.
    const res = await deps.directory.resolveRecipient(address.address);
    if (!res) {
      // No domain: only <Postmaster> may be written so (RFC 5321 §4.1.1.3), and it is ours to answer.
      const parts = splitAddress(address.address);
      if (!parts || (await deps.directory.isLocalDomain(parts.domain)))
        throw smtpError(550, '5.1.1 No such user here');
      if (!deps.submission) throw smtpError(550, '5.7.1 Relaying denied');
      if (!deps.remote) throw smtpError(550, '5.7.1 Delivery to remote domains is not available');
      // An address literal (RFC 5321 §4.1.3) names a host, not a domain with MX records to look up.
      if (parts.domain.startsWith('['))
        throw smtpError(550, '5.1.2 Address literals are not accepted; use a domain name');
      // The session is authenticated (smtp-server asks for AUTH before MAIL): relay it (RFC 6409 §4.3).
      deps.remote.add(address);
      return;
    }
    if (res.disabled) throw smtpError(550, '5.2.1 Mailbox disabled');
    // A group with no enabled member: refused now, clearly, rather than taken and then answered
    // 451 at DATA (nowhere to store it), which would keep the sender retrying for days.
    if (res.users.length === 0) throw smtpError(550, '5.1.1 Group has no members');
    const size = declaredSize(session);
    for (const u of res.users) {
      // Full, or would be by the declared size: a temporary failure, the user may make room.
      if (u.quotaBytes > 0 && u.usedBytes + size > u.quotaBytes) throw smtpError(452, '4.2.2 Mailbox full');
    }
    deps.resolved.set(
      address,
      res.users.map((u) => ({ userId: u.id, address: u.address })),
    );
  };
}
