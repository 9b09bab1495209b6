import { SYSTEM_FLAGS } from '../../store/index.js';
import { atom, flagsResponse, statusLine } from '../protocol/index.js';
import type { SelectedMailbox } from './selected-mailbox.js';

const SYSTEM = SYSTEM_FLAGS.map(([name]) => name);

/**
 * `* FLAGS (...)` and `* OK [PERMANENTFLAGS (... \*)]` (RFC 9051 §7.3.5,
 * §7.1): the system flags and the keywords in use; `\*` says clients may
 * make new keywords (or the mailbox is read-only: no permanent flags).
 */
export function mailboxFlagLines(view: SelectedMailbox): Buffer[] {
  const keywords = [...view.keywords].sort();
  const flags = [...SYSTEM, ...keywords];
  const permanent = view.readOnly ? [] : [...flags, '\\*'];
  return [
    flagsResponse(flags),
    statusLine('*', 'OK', view.readOnly ? 'No permanent flags permitted' : 'Flags permitted', {
      name: 'PERMANENTFLAGS',
      args: [`(${permanent.map((f) => atom(f).atom).join(' ')})`],
    }),
  ];
}

/** Adds keywords the client has not been told of; true when FLAGS must be sent again. */
export function learnKeywords(view: SelectedMailbox, keywords: readonly string[]): boolean {
  let learnt = false;
  for (const keyword of keywords) {
    if (view.keywords.has(keyword)) continue;
    view.keywords.add(keyword);
    learnt = true;
  }
  return learnt;
}
