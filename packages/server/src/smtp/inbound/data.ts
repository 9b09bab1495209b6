import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { type MailService, type ReceiveFilter, receivedHeader } from '../../mail/index.js';
import { isAppError, isStorageFull, normalizeAddress } from '../../shared/index.js';
import { toSmtpError } from '../errors.js';
import type { AuthenticatedData } from './authenticate.js';
import type { RemoteRecipients, ResolvedRecipients } from './rcpt.js';

export interface DataDeps {
  mail: MailService;
  hostname: string;
  maxSize: number;
  /** A smaller limit for one transaction (group mail policies, see group-policy.ts); undefined: `maxSize`. */
  maxSizeOf?: (session: SMTPServerSession) => number | undefined;
  log: Logger;
  /** The PTR name of a session's client, looked up beside the session. */
  clientHostname(session: SMTPServerSession): Promise<string>;
  /** What the RCPT stage resolved each accepted recipient to. */
  resolved: ResolvedRecipients;
  /** Submission: the remote recipients the RCPT stage accepted, to queue. */
  remote?: RemoteRecipients;
  /** The authenticated sender's user id (submission), or undefined (MX). */
  senderOf(session: SMTPServerSession): string | undefined;
  /** Submission: refuse From/Sender headers that are not the sender's addresses (`smtp.checkFromHeader`). */
  checkAuthors?: boolean;
  /** MX: mail authentication of a session's message (see authenticate.ts); undefined when it is not checked. */
  authenticate?: (session: SMTPServerSession, stream: SMTPServerDataStream) => AuthenticatedData | undefined;
  /** The filter pipeline's run for a message (virus, spam, rules); undefined when the filter is off. */
  filter?: (session: SMTPServerSession, stream: Readable) => ReceiveFilter | undefined;
  /** Counts each message's outcome, and the bytes of one stored (the listener's metrics). */
  counted?: (result: 'stored' | 'refused' | 'failed' | 'aborted', bytes?: number) => void;
}

/** `MAIL FROM:<…> SMTPUTF8` (RFC 6531 §3.4): the message must be relayed with SMTPUTF8. */
function asksSmtpUtf8(session: SMTPServerSession): boolean {
  const from = session.envelope.mailFrom;
  return from !== false && from.args !== false && Boolean((from.args as Record<string, unknown>).SMTPUTF8);
}

/**
 * DATA stage: stream the message into the store and answer only when it is
 * durable. Recipients come as the RCPT stage resolved them (no second
 * lookup); one deleted in between makes the store refuse the delivery, which
 * answers 451 so the client retries and then meets RCPT's 550.
 */
export function createDataHandler(deps: DataDeps) {
  return async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> => {
    // The message's id goes into each record rather than a child logger: a child per message costs
    // more than the records it would carry, which at the default level are one per message.
    // One id per message, not per session: the session id and the transaction's number in it.
    const { log } = deps;
    const id = `${session.id}.${session.transaction}`;
    try {
      const targets = new Map<string, { userId: string; address: string }>();
      for (const r of session.envelope.rcptTo) {
        for (const t of deps.resolved.get(r) ?? []) targets.set(t.userId, t);
      }
      const rcpts = session.envelope.rcptTo;
      const trace = receivedHeader({
        helo: session.hostNameAppearsAs ?? '',
        clientHostname: await deps.clientHostname(session),
        clientAddress: session.remoteAddress,
        by: deps.hostname,
        protocol: session.transmissionType || 'SMTP', // RFC 3848: ESMTPSA etc.
        id,
        // Canonical: smtp-server turns an A-label domain into Unicode, which a 7-bit header cannot carry.
        for: rcpts.length === 1 && rcpts[0] ? normalizeAddress(rcpts[0].address) : undefined,
      });
      const sender = deps.senderOf(session);
      const mailFrom = session.envelope.mailFrom ? normalizeAddress(session.envelope.mailFrom.address) : '';
      // As given: only the destination may fold a local part's case (RFC 5321 §2.4).
      const remote = rcpts.filter((r) => deps.remote?.has(r)).map((r) => r.address);
      const checked = deps.authenticate?.(session, stream);
      const filter = deps.filter?.(session, checked?.stream ?? stream);
      const { messageIds, size } = await deps.mail.receive({
        stream: filter?.stream ?? checked?.stream ?? stream,
        finalize: checked?.finalize,
        filter,
        trace,
        targets: [...targets.values()],
        mailFrom,
        outbound:
          remote.length > 0 ? { mailFrom, recipients: remote, smtputf8: asksSmtpUtf8(session) } : undefined,
        maxSize: Math.min(deps.maxSize, deps.maxSizeOf?.(session) ?? deps.maxSize),
        submission: sender
          ? {
              senderUserId: sender,
              checkAuthors: deps.checkAuthors,
              rate: { mailFrom, recipients: rcpts.length },
            }
          : undefined,
      });
      log.info(
        {
          id,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcpts: rcpts.length,
          size,
          stored: messageIds.length,
          queued: remote.length,
        },
        'message stored',
      );
      deps.counted?.('stored', size);
      return `2.0.0 Ok: queued as ${id}`;
    } catch (err) {
      const reply = toSmtpError(err);
      // The connection closed mid-message (the client left, or was cut off as too slow): not our failure.
      const cutOff = (err as { code?: unknown }).code === 'ECONNECTION';
      if (cutOff) log.info({ id }, 'message transfer cut off');
      // Our failures (451, and 452 for a full disk) are errors; refusals of the message are not.
      const filtered = isAppError(err) && err.code === 'FILTER_TEMPFAIL';
      const failed = !cutOff && !filtered && (reply.responseCode === 451 || isStorageFull(err));
      if (failed) log.error({ id, err }, 'could not store message');
      else if (!cutOff) log.info({ id, code: reply.responseCode, reason: reply.message }, 'message refused');
      deps.counted?.(cutOff ? 'aborted' : failed ? 'failed' : 'refused');
      // smtp-server needs the stream consumed before it can answer.
      stream.resume();
      throw reply;
    }
  };
}
