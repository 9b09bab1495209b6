import { type Command, err, ok } from '../protocol/index.js';
import type { Pop3Session } from './session.js';
import { mayAuthenticate, PLAINTEXT_REFUSED, signIn } from './sign-in.js';

/**
 * USER (RFC 1939 §7): remembers the name for PASS. Always `+OK`, known
 * name or not, so USER never tells which accounts exist.
 */
export function user(session: Pop3Session, command: Command) {
  if (!mayAuthenticate(session)) return session.send(PLAINTEXT_REFUSED);
  const name = command.rest.trim();
  if (name === '') return session.send(err('Syntax: USER name'));
  session.pendingUser = name;
  session.send(ok('Send your password'));
}

/**
 * PASS (RFC 1939 §7): the rest of the line is the password, spaces
 * included ("a server may treat spaces in the argument as part of the
 * password"). A failed PASS forgets the name: the next try starts with USER.
 */
export async function pass(session: Pop3Session, command: Command): Promise<void> {
  if (!mayAuthenticate(session)) return session.send(PLAINTEXT_REFUSED);
  const name = session.pendingUser;
  session.pendingUser = null;
  if (name === null) return session.send(err('Send USER first'));
  await signIn(session, name, command.rest);
}
