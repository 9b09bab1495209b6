import { ok } from './types.js';

/**
 * NOOP and CHECK (RFC 9051 §6.1.2; CHECK is RFC 3501 §6.4.1, gone in rev2
 * and a NOOP here): nothing to do but end, which sends the pending updates
 * of the selected mailbox (the client's way to poll).
 */
export function noopCommand() {
  return ok('NOOP completed');
}
