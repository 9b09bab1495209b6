import { Readable } from 'node:stream';
import type { AppendTarget } from '../../mail/index.js';
import { isAppError } from '../../shared/index.js';
import { type Mailbox, type Placed, parseFlags } from '../../store/index.js';
import type { AppendMessage } from '../protocol/index.js';
import { AppendSink } from './append-sink.js';
import type { CommandOf } from './registry.js';
import type { ImapSession } from './session.js';
import { type Completion, no, ok } from './types.js';

/**
 * APPEND (RFC 9051 §6.3.12) with UIDPLUS APPENDUID (RFC 4315), APPENDLIMIT
 * (RFC 7889: a message over it was refused before it was sent, see
 * append-sink.ts), UTF8 (RFC 6855 §4: Thunderbird's `UTF8 (~{n})`),
 * literal8 (BINARY) and several messages at once (RFC 3502; each is stored
 * as it is checked, so an error part-way keeps the earlier ones). The
 * messages were streamed into `MailService.append` while the command
 * arrived; here they get their mailbox, flags and date.
 */
export async function appendCommand(
  session: ImapSession,
  input: { command: CommandOf<'APPEND'> },
): Promise<Completion> {
  const { command } = input;
  const user = session.user;
  if (!user) throw new Error('APPEND before login');
  let mailbox: Mailbox;
  let targets: AppendTarget[];
  try {
    mailbox = await session.store.getMailbox(user.id, command.mailbox);
    targets = command.messages.map((m) => targetOf(mailbox.id, m));
  } catch (error) {
    for (const message of command.messages) sinkOf(message)?.settle(error as Error);
    if (isAppError(error) && error.code === 'MAILBOX_NOT_FOUND')
      return no(`Mailbox ${command.mailbox} does not exist`, { name: 'TRYCREATE' });
    throw error;
  }
  const uids: number[] = [];
  try {
    for (const [i, message] of command.messages.entries()) {
      const placed = await place(session, user.id, message, targets[i] as AppendTarget);
      uids.push(placed.uid);
    }
  } finally {
    for (const message of command.messages) sinkOf(message)?.settle(new Error('APPEND stopped'));
    if (uids.length > 0 && session.selected?.mailboxId === mailbox.id) session.selected.dirty = true;
  }
  return ok('APPEND completed', { name: 'APPENDUID', args: [String(mailbox.uidValidity), uids.join(',')] });
}

function targetOf(mailboxId: string, message: AppendMessage): AppendTarget {
  const { flags, keywords } = parseFlags(message.flags);
  return { mailboxId, flags, keywords, ...(message.date ? { internalDate: message.date.getTime() } : {}) };
}

function sinkOf(message: AppendMessage): AppendSink | null {
  return message.data.kind === 'stream' && message.data.sink instanceof AppendSink ? message.data.sink : null;
}

async function place(
  session: ImapSession,
  userId: string,
  message: AppendMessage,
  target: AppendTarget,
): Promise<Placed> {
  const sink = sinkOf(message);
  if (sink) {
    sink.settle(target);
    return sink.result;
  }
  const bytes = message.data.kind === 'buffer' ? message.data.bytes : Buffer.alloc(0);
  const verbatim = message.data.binary && !message.utf8;
  return session.mail.append({ userId, stream: Readable.from([bytes]), verbatim, ...target });
}
