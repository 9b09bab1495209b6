import type { CommandOf } from './registry.js';
import type { ImapSession } from './session.js';
import { PRIVACY_REQUIRED, signIn } from './sign-in.js';
import type { Completion } from './types.js';

/** LOGIN (RFC 9051 §6.2.3): refused before TLS off the allowed addresses (LOGINDISABLED). */
export async function loginCommand(
  session: ImapSession,
  input: { command: CommandOf<'LOGIN'> },
): Promise<Completion> {
  if (!session.mayLogin) return PRIVACY_REQUIRED;
  return signIn(session, input.command.username, input.command.password);
}
