import type { Readable } from 'node:stream';
import type { Directory } from '../directory/index.js';
import { type MailService, receivedHeader } from '../mail/index.js';
import { AppError, newId } from '../shared/index.js';

/** A message the delivery step sends on its own: an auto-reply or a forwarded copy. */
export interface NewMessage {
  /** The envelope sender; '' is the null return path. */
  mailFrom: string;
  recipients: string[];
  body(): Readable;
  /** For logs. */
  why: string;
}

/** Delivers or queues a new message; throws when it can do neither (nothing is then half sent). */
export type SendNew = (message: NewMessage) => Promise<void>;

/**
 * Sends like any delivery: local recipients to their INBOX, remote ones into
 * the outbound queue, in one transaction (mail.receive). An address of a
 * local domain that names nobody is an error, not a silent drop: a forward
 * that keeps no copy must know it reached somewhere.
 */
export function createSendNew(deps: {
  mail: Pick<MailService, 'receive'>;
  directory: Pick<Directory, 'findUserIds' | 'isLocalDomain'>;
  hostname: string;
  maxMessageSize: number;
}): SendNew {
  return async (m) => {
    const found = await deps.directory.findUserIds(m.recipients);
    // One copy per user, however many of their addresses are named.
    const byUser = new Map([...found].map(([address, userId]) => [userId, address]));
    const targets = [...byUser].map(([userId, address]) => ({ address, userId }));
    const remote: string[] = [];
    for (const r of m.recipients) {
      if (found.has(r.toLowerCase())) continue;
      if (await deps.directory.isLocalDomain(r.slice(r.lastIndexOf('@') + 1)))
        throw new AppError('USER_NOT_FOUND', `${r} is a local address with no user`);
      remote.push(r);
    }
    await deps.mail.receive({
      stream: m.body(),
      trace: receivedHeader({
        helo: 'localhost',
        clientAddress: '127.0.0.1',
        by: deps.hostname,
        protocol: 'LOCAL',
        id: newId(),
      }),
      targets,
      mailFrom: m.mailFrom,
      outbound: remote.length > 0 ? { mailFrom: m.mailFrom, recipients: remote } : undefined,
      maxSize: deps.maxMessageSize,
    });
  };
}
