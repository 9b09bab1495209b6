import { err, parseMessageNumber } from '../protocol/index.js';
import type { Maildrop, MaildropEntry } from './maildrop.js';
import type { Pop3Session } from './session.js';

/** The maildrop of a session in the TRANSACTION state (the command table admits no other). */
export function maildropOf(session: Pop3Session): Maildrop {
  if (!session.maildrop) throw new Error('no maildrop outside the TRANSACTION state');
  return session.maildrop;
}

/**
 * The message an argument names, or undefined after answering `-ERR`:
 * not a number, never in the maildrop, or marked deleted (RFC 1939 §5:
 * "may NOT refer to a message marked as deleted").
 */
export function messageArg(
  session: Pop3Session,
  arg: string | undefined,
): [number, MaildropEntry] | undefined {
  const n = parseMessageNumber(arg);
  if (n === null) {
    session.send(err('Invalid message number'));
    return undefined;
  }
  const maildrop = maildropOf(session);
  const problem = maildrop.problem(n);
  const entry = maildrop.get(n);
  if (problem || !entry) {
    session.send(err(problem === 'deleted' ? `Message ${n} is deleted` : 'No such message'));
    return undefined;
  }
  return [n, entry];
}
