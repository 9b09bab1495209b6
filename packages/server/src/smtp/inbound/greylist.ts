import type { Logger } from 'pino';
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import type { Greylist } from '../../filter/index.js';
import type { AddressList } from '../../limits/index.js';
import { normalizeAddress } from '../../shared/index.js';
import { smtpError } from '../errors.js';

export interface GreylistStageDeps {
  greylist: Greylist;
  /** `greylist.exemptNetworks` and `mailAuth.trustedNetworks`: clients never greylisted. */
  exemptClients: AddressList[];
  /** `greylist.exemptDomains`: envelope sender domains (and their subdomains) never greylisted. */
  exemptDomains: readonly string[];
  log: Logger;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * MX RCPT TO, after the recipient was accepted: a first-time (client network,
 * sender, recipient) triplet is answered 451 4.7.1, a temporary failure that
 * a real MTA retries (RFC 5321 §4.5.4.1) and most spam software does not.
 * Only at RCPT, never at DATA: the client has not sent the message yet, so
 * a deferral costs it nothing. When the store cannot be asked the mail is let
 * through — greylisting is a filter, not a reason to lose mail.
 */
export function createGreylistStage(deps: GreylistStageDeps) {
  const exemptDomain = (domain: string) =>
    deps.exemptDomains.some((d) => {
      const x = d.toLowerCase();
      return domain === x || domain.endsWith(`.${x}`);
    });

  return async (address: SMTPServerAddress, session: SMTPServerSession): Promise<void> => {
    if (session.user) return; // authenticated: never greylisted
    if (deps.exemptClients.some((list) => list.has(session.remoteAddress))) return;
    const from = session.envelope.mailFrom;
    const sender = from ? normalizeAddress(from.address) : '';
    if (sender && exemptDomain(domainOf(sender))) return;
    let decision: Awaited<ReturnType<Greylist['check']>>;
    try {
      decision = await deps.greylist.check({
        client: session.remoteAddress,
        sender,
        recipient: normalizeAddress(address.address),
      });
    } catch (err) {
      deps.log.warn({ err, sid: session.id }, 'greylist unavailable; mail let through');
      return;
    }
    if (decision.pass) return;
    deps.log.info({ sid: session.id, client: session.remoteAddress }, 'greylisted');
    throw smtpError(
      451,
      `4.7.1 Greylisted: first mail from this server to this recipient; please try again in ${decision.retryAfterSeconds} seconds`,
    );
  };
}
