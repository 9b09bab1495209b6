import { multiLine } from '../protocol/index.js';
import type { Pop3Session } from './session.js';
import { mayAuthenticate } from './sign-in.js';

/** What every session supports (RFC 2449 §6, RFC 3206 §5 AUTH-RESP-CODE). */
const ALWAYS = [
  'TOP',
  'UIDL',
  'RESP-CODES',
  'AUTH-RESP-CODE',
  'PIPELINING',
  // Messages are kept until the user deletes them (RFC 2449 §6.7).
  'EXPIRE NEVER',
  'IMPLEMENTATION jdmail',
];

/**
 * CAPA (RFC 2449 §5). Before sign-in: USER and SASL PLAIN only where a
 * password may be sent now, STLS only before TLS (RFC 2595 §4), so a client
 * learns from the list that it must start TLS first.
 */
export function capa(session: Pop3Session): void {
  const lines = [...ALWAYS];
  if (session.state === 'authorization') {
    if (mayAuthenticate(session)) lines.push('USER', 'SASL PLAIN');
    if (!session.secure) lines.push('STLS');
  }
  session.send(multiLine('Capability list follows', lines));
}
