import { idResponse } from '../protocol/index.js';
import type { CommandOf } from './registry.js';
import type { ImapSession } from './session.js';
import { ok } from './types.js';

/** Fields of the client's ID worth a log line (RFC 2971 §3.3); values are cut short. */
const LOGGED = new Set(['name', 'version', 'os', 'os-version', 'vendor', 'support-url', 'guid']);

/**
 * ID (RFC 2971), before and after login: Foxmail, NetEase/Coremail and
 * Outlook send it, some refuse a server without it. The client's fields are
 * logged (they name the client in the session list too); the server names
 * itself without a version (no help to an attacker).
 */
export function idCommand(session: ImapSession, input: { command: CommandOf<'ID'> }) {
  const params = input.command.params ?? [];
  const fields: Record<string, string> = {};
  for (const [field, value] of params) {
    const key = field.toLowerCase();
    if (value !== null && LOGGED.has(key)) fields[key] = value.slice(0, 100);
  }
  if (fields.name) session.clientName = [fields.name, fields.version].filter(Boolean).join(' ').slice(0, 100);
  session.log.info({ id: fields, ip: session.ip }, 'imap client id');
  session.send(
    idResponse([
      ['name', 'jdmail'],
      ['vendor', 'jdmail'],
      ['support-url', `https://${session.deps.settings.hostname}/`],
    ]),
  );
  return ok('ID completed');
}
