import { FLAG, type Mailbox } from '../../store/index.js';
import { mailboxStatusResponse, type StatusItem } from '../protocol/index.js';
import type { CommandOf } from './registry.js';
import type { ImapSession } from './session.js';
import { ok } from './types.js';

/**
 * The values of STATUS items (RFC 9051 §6.3.11) from the mailbox row's
 * counters: no message is read, except for DELETED-STORAGE (RFC 9208 §4.3)
 * when some message is marked `\Deleted`, and RECENT once this process
 * has claimed some (recent.ts). HIGHESTMODSEQ turns CONDSTORE on (RFC 7162 §3.1).
 */
export async function statusValues(
  session: ImapSession,
  mailbox: Mailbox,
  items: readonly StatusItem[],
): Promise<Array<readonly [string, number]>> {
  const values: Array<readonly [string, number]> = [];
  for (const item of items) {
    switch (item) {
      case 'MESSAGES':
        values.push([item, mailbox.total]);
        break;
      case 'RECENT':
        values.push([item, await recentCount(session, mailbox)]);
        break;
      case 'UIDNEXT':
        values.push([item, mailbox.uidNext]);
        break;
      case 'UIDVALIDITY':
        values.push([item, mailbox.uidValidity]);
        break;
      case 'UNSEEN':
        values.push([item, mailbox.unread]);
        break;
      case 'DELETED':
        values.push([item, mailbox.deleted]);
        break;
      case 'SIZE':
        values.push([item, mailbox.size]);
        break;
      case 'HIGHESTMODSEQ':
        session.enableCondstore();
        values.push([item, mailbox.highestModseq]);
        break;
      case 'APPENDLIMIT':
        values.push([item, session.appendLimit]);
        break;
      case 'DELETED-STORAGE':
        values.push([item, await deletedStorage(session, mailbox)]);
        break;
    }
  }
  return values;
}

/** Messages no read-write session of this process has seen yet (RFC 3501 §2.3.2, see recent.ts). */
async function recentCount(session: ImapSession, mailbox: Mailbox): Promise<number> {
  const floor = session.deps.recent.floor(mailbox.id);
  if (floor === 0) return mailbox.total;
  if (floor >= mailbox.uidNext - 1 || !session.user) return 0;
  let n = 0;
  for await (const _ of session.store.fetchMessages(session.user.id, mailbox.id, [
    [floor + 1, mailbox.uidNext - 1],
  ]))
    n++;
  return n;
}

/** KiB of the messages marked `\Deleted` (RFC 9208 §4.3: the storage an EXPUNGE would free). */
async function deletedStorage(session: ImapSession, mailbox: Mailbox): Promise<number> {
  if (mailbox.deleted === 0 || mailbox.uidNext <= 1 || !session.user) return 0;
  let bytes = 0;
  for await (const message of session.store.fetchMessages(session.user.id, mailbox.id, [
    [1, mailbox.uidNext - 1],
  ])) {
    if (message.flags & FLAG.deleted) bytes += message.size;
  }
  return Math.ceil(bytes / 1024);
}

/** STATUS (RFC 9051 §6.3.11): works on any mailbox, the selected one included. */
export async function statusCommand(session: ImapSession, input: { command: CommandOf<'STATUS'> }) {
  const user = session.user;
  if (!user) throw new Error('STATUS before login');
  const mailbox = await session.store.getMailbox(user.id, input.command.mailbox);
  const values = await statusValues(session, mailbox, input.command.items);
  session.send(mailboxStatusResponse(mailbox.name, values, session.encoding));
  return ok('STATUS completed');
}
