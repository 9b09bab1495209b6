import type { SPFResult } from 'mailauth';
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import type { InboundAuth, SmtpClientFacts } from '../../mail-auth/index.js';

/** SPF checks started at MAIL FROM, keyed by smtp-server's mailFrom entry (the same object ends up in the envelope). */
export type SpfChecks = WeakMap<SMTPServerAddress, Promise<SPFResult>>;

/** What SPF and the DATA checks know of the client (RFC 7208 §2.4). */
export function clientFacts(session: SMTPServerSession, mailFrom: string): SmtpClientFacts {
  return { ip: session.remoteAddress, helo: session.hostNameAppearsAs ?? '', mailFrom };
}

/**
 * MX MAIL FROM stage: starts the SPF check of a client we check (not one of
 * `mailAuth.trustedNetworks`) and answers at once, so the DNS lookups run
 * while the client sends RCPT and DATA. The verdict is applied at the end of
 * DATA, with DMARC (a refusal here would skip DMARC and the anti-spoofing rule).
 */
export function createSpfStage(deps: { auth: InboundAuth; checks: SpfChecks }) {
  return async (address: SMTPServerAddress, session: SMTPServerSession): Promise<void> => {
    if (!deps.auth.checks(session.remoteAddress)) return;
    deps.checks.set(address, deps.auth.spf(clientFacts(session, address.address)));
  };
}
