import { parseFlags } from '../../store/index.js';
import { fetchResponse, formatRanges, joinParts, type ResponseValue } from '../protocol/index.js';
import { learnKeywords, mailboxFlagLines } from './mailbox-flags.js';
import type { CommandOf } from './registry.js';
import type { ImapSession } from './session.js';
import { type Completion, no, ok } from './types.js';
import { flagsFetch } from './updates.js';

const MODES = { set: 'replace', add: 'add', remove: 'remove' } as const;

/**
 * STORE and UID STORE (RFC 9051 §6.4.6) with UNCHANGEDSINCE (RFC 7162
 * §3.1.3): one store call, one new modseq for every message it changes.
 * Answers FETCH (FLAGS) for each message of the set (UID too for UID STORE,
 * MODSEQ once CONDSTORE is on); `.SILENT` leaves them out, except that
 * under CONDSTORE the changed messages still get `FETCH (UID MODSEQ)` (the
 * client needs their new modseq). Messages that failed UNCHANGEDSINCE are
 * named in `OK [MODIFIED set]`.
 */
export async function storeCommand(
  session: ImapSession,
  input: { command: CommandOf<'STORE'> },
): Promise<Completion> {
  const { command } = input;
  const view = session.selected;
  const user = session.user;
  if (!view || !user) throw new Error('STORE without a selected mailbox');
  if (view.readOnly) return no('The mailbox is read-only (EXAMINE)', { name: 'READ-ONLY' });
  if (command.unchangedSince !== null) session.enableCondstore();
  const selection = view.resolve(command.set, command.uid);
  if (selection.count === 0) return ok('STORE completed (no messages)');
  const { flags, keywords } = parseFlags(command.flags);
  const result = await session.store.setFlags(user.id, view.mailboxId, selection.uids, {
    mode: MODES[command.action],
    flags,
    keywords,
    ...(command.unchangedSince !== null ? { unchangedSince: command.unchangedSince } : {}),
  });
  const changed = result.messages.find((m) => m.changed);
  if (changed) view.noteOwnChange(changed.modseq);
  if (learnKeywords(view, keywords)) for (const line of mailboxFlagLines(view)) session.send(line);
  const condstore = session.enabled.has('CONDSTORE');
  for (const message of result.messages) {
    const seq = view.seqOf(message.uid);
    if (seq === 0) continue;
    if (!command.silent) session.send(flagsFetch(session, seq, message));
    else if (condstore && message.changed)
      session.send(modseqFetch(session, seq, message.uid, message.modseq));
  }
  if (result.failed.length > 0) {
    const failed = command.uid
      ? result.failed
      : result.failed.map((uid) => view.seqOf(uid)).filter((s) => s > 0);
    return ok('Some messages were modified since', {
      name: 'MODIFIED',
      args: [formatRanges(toRanges(failed))],
    });
  }
  return ok('STORE completed');
}

function modseqFetch(session: ImapSession, seq: number, uid: number, modseq: number): Buffer {
  const items: Array<[string, ResponseValue]> = [
    ['UID', uid],
    ['MODSEQ', [modseq]],
  ];
  return joinParts(fetchResponse(seq, items, session.encoding));
}

function toRanges(numbers: readonly number[]): Array<[number, number]> {
  const sorted = [...numbers].sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const n of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && n <= last[1] + 1) last[1] = Math.max(last[1], n);
    else ranges.push([n, n]);
  }
  return ranges;
}
