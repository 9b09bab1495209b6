import { err, ok } from '../protocol/index.js';
import { maildropOf } from './message-number.js';
import type { Pop3Session } from './session.js';

/** NOOP (RFC 1939 §5). */
export function noop(session: Pop3Session): void {
  session.send(ok());
}

/**
 * QUIT (RFC 1939 §6). Signed in, it enters the UPDATE state: the messages
 * marked deleted are expunged and the retrieved ones marked read, through
 * the store's expunge (the path of IMAP and the REST API too). Only QUIT does this: a session that ends any
 * other way (a dropped connection, a timeout) changes nothing.
 */
export async function quit(session: Pop3Session): Promise<void> {
  const { hostname } = session.deps.settings;
  const { user } = session;
  if (session.state === 'authorization' || !user)
    return session.end(ok(`${hostname} POP3 server signing off`));
  session.state = 'update';
  const maildrop = maildropOf(session);
  const changes = maildrop.changes();
  const failed = await session.deps.mailbox.update(user, maildrop.mailboxId, changes);
  const left = maildrop.stat().count;
  session.log.info(
    { user: user.address, ip: session.ip, deleted: changes.deleted.length - failed, failed, left },
    'pop3 session ended',
  );
  if (failed > 0) {
    // RFC 1939 §6: "-ERR some deleted messages not removed"; RFC 3206: a temporary problem.
    return session.end(err(`Some deleted messages not removed (${failed}); try again`, 'SYS/TEMP'));
  }
  session.end(ok(`${hostname} POP3 server signing off (${left} message${left === 1 ? '' : 's'} left)`));
}
