import type { SMTPConnectionSendInfo } from 'nodemailer/lib/smtp-connection';
import {
  localVerdict,
  resultOf,
  type Verdict,
  verdictOfConnectionError,
  verdictOfReply,
} from './classify.js';
import type { SmtpSession } from './session.js';
import type { DeliveryJob, RecipientResult } from './types.js';

/** What one message on one connection came to. */
export interface SendOutcome {
  recipients: RecipientResult[];
  /** The connection is still in a state to carry another message (after RSET). */
  reusable: boolean;
}

interface SendError {
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  rejectedErrors?: { recipient?: string; response?: string }[];
}

/**
 * Sends one job over an open session. What the peer cannot take is refused
 * here before a byte is sent: a message needing SMTPUTF8 to a server without
 * it (RFC 6531 §3.4: failed, 5.6.7), a message larger than the server's SIZE
 * (RFC 1870 §6: failed, 5.3.4). BODY=8BITMIME is declared whenever the server
 * offers 8BITMIME (RFC 6152); to one that does not, the bytes go as they are,
 * as Postfix does. nodemailer pipelines MAIL, RCPT and DATA when the server
 * offers PIPELINING (RFC 2920 §3.1) and reports each RCPT's answer; it does not
 * pipeline across messages (the RSET between reused messages costs one round
 * trip) and has no CHUNKING/BDAT.
 */
export async function sendOnSession(session: SmtpSession, job: DeliveryJob): Promise<SendOutcome> {
  const host = session.target.servername;
  if (job.smtputf8 && !session.extensions.includes('SMTPUTF8')) {
    const v = localVerdict(
      'failed',
      '5.6.7',
      `${host} does not support SMTPUTF8, which this message needs (RFC 6531)`,
    );
    return { recipients: job.recipients.map((r) => resultOf(r, v, host)), reusable: true };
  }
  if (session.maxSize > 0 && job.size > session.maxSize) {
    const v = localVerdict(
      'failed',
      '5.3.4',
      `message of ${job.size} bytes exceeds ${host}'s limit of ${session.maxSize} (SIZE)`,
    );
    return { recipients: job.recipients.map((r) => resultOf(r, v, host)), reusable: true };
  }
  session.messages++;
  const envelope = { from: job.mailFrom, to: job.recipients, size: job.size, use8BitMime: true };
  const body = job.body();
  const outcome = await new Promise<{ err: SendError | null; info?: SMTPConnectionSendInfo }>((resolve) =>
    session.conn.send(envelope, body, (err, info) => resolve({ err: err as SendError | null, info })),
  );
  if (!outcome.err && outcome.info)
    return { recipients: fromInfo(job, outcome.info, host), reusable: session.usable };
  return fromError(job, outcome.err ?? {}, session);
}

function fromInfo(job: DeliveryJob, info: SMTPConnectionSendInfo, host: string): RecipientResult[] {
  const refused = new Map(
    (info.rejectedErrors ?? []).map((e) => [String((e as SendError & { recipient?: string }).recipient), e]),
  );
  const accepted = verdictOfReply(info.response);
  return job.recipients.map((r) => {
    const refusal = refused.get(r) as SendError | undefined;
    if (refusal?.response) return resultOf(r, verdictOfReply(refusal.response), host);
    return resultOf(r, accepted, host);
  });
}

function fromError(job: DeliveryJob, err: SendError, session: SmtpSession): SendOutcome {
  const host = session.target.servername;
  const reusable = session.usable;
  // Every recipient refused at RCPT TO.
  if (err.rejectedErrors?.length) {
    const byRecipient = new Map(err.rejectedErrors.map((e) => [String(e.recipient), e.response ?? '']));
    const fallback = err.response ? verdictOfReply(err.response) : verdictOfConnectionError(err, host);
    const recipients = job.recipients.map((r) => {
      const reply = byRecipient.get(r);
      return resultOf(r, reply ? verdictOfReply(reply) : fallback, host);
    });
    return { recipients, reusable };
  }
  // A reply that covers the whole transaction: MAIL FROM refused, DATA refused, or the final reply after the data.
  if (err.response && err.responseCode)
    return { recipients: withRefusals(job, session, verdictOfReply(err.response)), reusable };
  if (err.code === 'EMESSAGE') {
    const v = localVerdict(
      'failed',
      '5.3.4',
      `message larger than ${host} accepts (SIZE ${session.maxSize})`,
    );
    return { recipients: job.recipients.map((r) => resultOf(r, v, host)), reusable };
  }
  if (err.code === 'ESTREAM') {
    const v = localVerdict('deferred', '4.3.0', 'the message could not be read from the spool');
    return { recipients: job.recipients.map((r) => resultOf(r, v, host)), reusable: false };
  }
  // The connection broke (dropped mid-DATA, timeout, reset): nothing was accepted.
  return { recipients: withRefusals(job, session, verdictOfConnectionError(err, host)), reusable: false };
}

/** Recipients refused at RCPT keep that answer; the others get `verdict`. */
function withRefusals(job: DeliveryJob, session: SmtpSession, verdict: Verdict): RecipientResult[] {
  const host = session.target.servername;
  const refusals = session.rcptRefusals();
  return job.recipients.map((r) => {
    const reply = refusals.get(r);
    return resultOf(r, reply ? verdictOfReply(reply) : verdict, host);
  });
}
