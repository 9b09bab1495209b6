import { capabilityResponse } from '../protocol/index.js';
import type { CommandOf } from './registry.js';
import type { ImapSession } from './session.js';
import { type EnabledExtension, ok } from './types.js';

const ENABLEABLE = new Map<string, EnabledExtension>([
  ['CONDSTORE', 'CONDSTORE'],
  ['QRESYNC', 'QRESYNC'],
  ['UTF8=ACCEPT', 'UTF8=ACCEPT'],
  ['IMAP4REV2', 'IMAP4rev2'],
]);

/**
 * ENABLE (RFC 5161, RFC 9051 §6.3.1): turns on CONDSTORE, QRESYNC (which
 * implies CONDSTORE, RFC 7162 §3.2.3), UTF8=ACCEPT (RFC 6855: mailbox names
 * in UTF-8 from the next command on) and IMAP4rev2. `* ENABLED` lists only
 * what this command newly turned on; unknown names are ignored.
 */
export function enableCommand(session: ImapSession, input: { command: CommandOf<'ENABLE'> }) {
  const turnedOn: string[] = [];
  const turnOn = (extension: EnabledExtension) => {
    if (session.enabled.has(extension)) return;
    session.enabled.add(extension);
    turnedOn.push(extension);
  };
  for (const name of input.command.capabilities) {
    const extension = ENABLEABLE.get(name.toUpperCase());
    if (!extension) continue;
    if (extension === 'QRESYNC') turnOn('CONDSTORE');
    turnOn(extension);
  }
  session.send(capabilityResponse(turnedOn, 'ENABLED'));
  return ok('ENABLE completed');
}
