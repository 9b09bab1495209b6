import { PassThrough, type Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { SMTPServerSession } from 'smtp-server';
import type { ReceiveVerdict } from '../../mail/index.js';
import type { InboundAuth } from '../../mail-auth/index.js';
import { isAppError } from '../../shared/index.js';
import { clientFacts, type SpfChecks } from './spf.js';

/** The DATA stream split in two, and the check to run once the message has been read. */
export interface AuthenticatedData {
  /** What the store reads: the same bytes. */
  stream: Readable;
  /** Resolves to the header, mailbox and results to store; throws to refuse the message. */
  finalize(): Promise<ReceiveVerdict>;
}

export interface AuthenticateDeps {
  auth: InboundAuth;
  checks: SpfChecks;
  log: Logger;
}

/**
 * MX DATA stage, the authentication half: feeds the message to the DKIM
 * verifier as it streams into the store (one pass; a slow verifier slows the
 * pipe, it never buffers the message), and gives the mail service a
 * `finalize` that waits for the verdict. Mail from a trusted network is not
 * checked (undefined). A check that fails for a reason of ours (a bug, not a
 * refusal) delivers the message without a header rather than losing it.
 */
export function createAuthenticateStage(deps: AuthenticateDeps) {
  return (session: SMTPServerSession, stream: Readable): AuthenticatedData | undefined => {
    const mailFrom = session.envelope.mailFrom;
    if (!deps.auth.checks(session.remoteAddress) || mailFrom === false) return undefined;
    const facts = clientFacts(session, mailFrom.address);
    const spf = deps.checks.get(mailFrom) ?? deps.auth.spf(facts);
    const toStore = new PassThrough();
    const toVerifier = new PassThrough();
    stream.pipe(toStore);
    stream.pipe(toVerifier);
    const verdict = deps.auth.verify(facts, toVerifier, spf);
    // A verifier that stopped reading must not stall the pipe (and with it the store's side).
    verdict.catch(() => toVerifier.resume());
    return {
      stream: toStore,
      async finalize() {
        try {
          const v = await verdict;
          return { prepend: v.header, junk: v.junk, authResults: JSON.stringify(v.results) };
        } catch (err) {
          if (isAppError(err)) throw err;
          deps.log.error({ err, id: session.id }, 'mail authentication failed; message delivered unchecked');
          return {};
        }
      },
    };
  };
}
