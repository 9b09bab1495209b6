import { isAppError } from '../../shared/index.js';
import { type Command, DotStuffer, err, ok, parseLineCount, TopFilter } from '../protocol/index.js';
import type { MaildropEntry } from './maildrop.js';
import { maildropOf, messageArg } from './message-number.js';
import type { Pop3Session } from './session.js';

/** RETR (RFC 1939 §5): the message as stored, dot-stuffed; marked read at QUIT. */
export async function retr(session: Pop3Session, command: Command): Promise<void> {
  if (command.args.length !== 1) return session.send(err('Syntax: RETR message'));
  const found = messageArg(session, command.args[0]);
  if (!found) return;
  const [n, entry] = found;
  if (await send(session, entry, `${entry.size} octets`)) maildropOf(session).markRetrieved(n);
}

/** TOP (RFC 1939 §7): the header, the empty line, and the first `lines` lines of the body. */
export async function top(session: Pop3Session, command: Command): Promise<void> {
  if (command.args.length !== 2) return session.send(err('Syntax: TOP message lines'));
  const found = messageArg(session, command.args[0]);
  if (!found) return;
  const lines = parseLineCount(command.args[1]);
  if (lines === null) return session.send(err('Invalid line count'));
  await send(session, found[1], 'Top of message follows', new TopFilter(lines));
}

/**
 * Streams a message from the store (never held whole in memory) as a
 * multi-line response. The first chunk is read before `+OK`, so a message
 * whose body is gone gets `-ERR` instead of a response that breaks off.
 * A failure later can only cut the connection (the client then has no
 * UPDATE state either, so nothing is deleted).
 */
async function send(session: Pop3Session, entry: MaildropEntry, status: string, filter?: TopFilter) {
  const source = session.deps.mailbox.read(entry);
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    let next: IteratorResult<Buffer>;
    try {
      next = await chunks.next();
    } catch (e) {
      if (isAppError(e) && e.code === 'MESSAGE_NOT_FOUND') {
        session.send(err('The message has been deleted meanwhile'));
      } else {
        session.log.error({ err: e, message: entry.id }, 'pop3: a message could not be read');
        session.send(err('Cannot read the message now; try again later', 'SYS/TEMP'));
      }
      return false;
    }
    session.send(ok(status));
    session.streaming = true;
    const stuffer = new DotStuffer();
    while (!next.done) {
      const out = filter ? filter.push(next.value) : { data: next.value, done: false };
      await session.sendStreamed(stuffer.push(out.data));
      if (out.done) break;
      next = await chunks.next();
    }
    session.send(stuffer.end());
    session.streaming = false;
    return true;
  } finally {
    source.destroy();
  }
}
