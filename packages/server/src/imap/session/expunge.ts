import type { UidSet } from '../../store/index.js';
import { countResponse, formatSequenceSet, vanishedResponse } from '../protocol/index.js';
import type { CommandOf } from './registry.js';
import type { ImapSession } from './session.js';
import { type Completion, no, ok } from './types.js';
import { syncView, tellRecentAfterExpunge } from './updates.js';

/**
 * EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE (§6.4.9, UIDPLUS): removes the
 * `\Deleted` messages (of the set), answering EXPUNGE for each from the
 * highest sequence number down (none renumbers another), or one VANISHED
 * under QRESYNC (RFC 7162 §3.2.10). Expunges by other sessions that are
 * pending go out with the tagged answer (the command allows them).
 */
export async function expungeCommand(
  session: ImapSession,
  input: { command: CommandOf<'EXPUNGE' | 'UID EXPUNGE'> },
): Promise<Completion> {
  const { command } = input;
  const view = session.selected;
  const user = session.user;
  if (!view || !user) throw new Error('EXPUNGE without a selected mailbox');
  if (view.readOnly) return no('The mailbox is read-only (EXAMINE)', { name: 'READ-ONLY' });
  let uids: UidSet | undefined;
  if (command.name === 'UID EXPUNGE') {
    const selection = view.resolve(command.set, true);
    if (selection.count === 0) return ok('EXPUNGE completed (no messages)');
    uids = selection.uids;
  }
  const result = await session.store.expunge(user.id, view.mailboxId, uids ? { uids } : {});
  if (result.uids.length === 0) return ok('EXPUNGE completed');
  view.noteOwnChange(result.modseq);
  const recentBefore = view.recentCount;
  const removed = view.removeOwn(result.uids);
  if (session.enabled.has('QRESYNC')) {
    if (removed.length > 0)
      session.send(vanishedResponse(formatSequenceSet(removed.map((r) => r.uid)), false));
  } else for (const { seq } of removed) session.send(countResponse(seq, 'EXPUNGE'));
  tellRecentAfterExpunge(session, view, recentBefore);
  if (!session.enabled.has('CONDSTORE')) return ok('EXPUNGE completed');
  // RFC 7162 §3.1.12 (once CONDSTORE is on) the tagged OK carries HIGHESTMODSEQ: the view first takes
  // every change up to it, which the session then announces before the OK, so nothing is skipped.
  await syncView(session);
  return ok('EXPUNGE completed', { name: 'HIGHESTMODSEQ', args: [String(view.highestModseq)] });
}
