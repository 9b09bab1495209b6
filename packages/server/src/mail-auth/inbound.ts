import type { Readable } from 'node:stream';
import type { SPFResult } from 'mailauth';
import type { Logger } from 'pino';
import type { MailAuthConfig } from '../config/index.js';
import { type AddressList, parseAddressList } from '../limits/index.js';
import { AppError } from '../shared/index.js';
import { decide } from './policy.js';
import type { DnsResolve } from './resolver.js';
import { type AuthResults, summarize } from './results.js';
import { checkSpf, type SmtpClientFacts, verifyMessage } from './verify.js';

export interface InboundAuthDeps {
  config: MailAuthConfig;
  resolve: DnsResolve;
  /** Our host name: the authserv-id of the header. */
  hostname: string;
  isLocalDomain(domain: string): Promise<boolean>;
  log: Logger;
}

/** The outcome of checking one accepted message: what to add, where it goes, what to keep. */
export interface InboundVerdict {
  /** The `Authentication-Results` header, CRLF-terminated, to put above the message. */
  header: string;
  junk: boolean;
  results: AuthResults;
}

/** The MX's mail authentication (SPF, DKIM, ARC, DMARC and the receiving policy). */
export interface InboundAuth {
  /** Whether mail from `ip` is checked: `mailAuth.inbound` is on and `ip` is not in `trustedNetworks`. */
  checks(ip: string): boolean;
  /** Starts SPF for a transaction (at MAIL FROM); never rejects. */
  spf(facts: SmtpClientFacts): Promise<SPFResult>;
  /**
   * Checks a message while it streams in (`message` must be read to its end by
   * the caller's pipe) and applies the policy. Throws MAIL_AUTH_REJECTED
   * (550 5.7.1) or MAIL_AUTH_TEMPFAIL (451 4.7.1) to refuse it.
   */
  verify(facts: SmtpClientFacts, message: Readable, spf: Promise<SPFResult>): Promise<InboundVerdict>;
}

/** Builds the MX's checks from `mailAuth.*`. */
export function createInboundAuth(deps: InboundAuthDeps): InboundAuth {
  const { config, log } = deps;
  const trusted: AddressList = parseAddressList(config.trustedNetworks.join(','));
  const verifyDeps = { resolve: deps.resolve, hostname: deps.hostname };
  return {
    checks: (ip) => config.inbound && !trusted.has(ip),
    spf: (facts) => checkSpf(verifyDeps, facts),
    async verify(facts, message, spf) {
      const checked = await verifyMessage(verifyDeps, facts, message, spf);
      const decision = await decide(checked, { ...config, isLocalDomain: deps.isLocalDomain });
      const results = summarize(checked, decision.action === 'junk' ? 'junk' : 'accept');
      const summary = { ip: facts.ip, spf: results.spf.result, dmarc: results.dmarc.result };
      if (decision.action === 'reject') {
        log.info({ ...summary, reason: decision.reason }, 'message refused by mail authentication');
        throw new AppError(decision.temporary ? 'MAIL_AUTH_TEMPFAIL' : 'MAIL_AUTH_REJECTED', decision.reason);
      }
      if (decision.action === 'junk')
        log.info({ ...summary, reason: decision.reason }, 'message quarantined');
      return { header: checked.header, junk: decision.action === 'junk', results };
    },
  };
}
