import { FLAG, type MessageRecord } from '../../../store/index.js';
import type { SessionContext } from '../types.js';

/**
 * Sets `\Seen` on the messages of a batch that a FETCH of BODY[...],
 * BINARY[...], RFC822 or RFC822.TEXT reads (RFC 9051 §6.4.5), in one store
 * call, and updates the records so their FETCH response shows the new flags
 * (and modseq). The change is the session's own: its journal replay is not
 * announced again. Returns the UIDs whose flags changed.
 */
export async function markSeen(ctx: SessionContext, records: MessageRecord[]): Promise<Set<number>> {
  const view = ctx.selected;
  const user = ctx.user;
  const unseen = records.filter((r) => (r.flags & FLAG.seen) === 0);
  if (!view || !user || unseen.length === 0) return new Set();
  const result = await ctx.store.setFlags(
    user.id,
    view.mailboxId,
    unseen.map((r) => r.uid),
    { mode: 'add', flags: FLAG.seen },
  );
  const changed = new Set<number>();
  const byUid = new Map(records.map((r) => [r.uid, r]));
  for (const state of result.messages) {
    const record = byUid.get(state.uid);
    if (!record || !state.changed) continue;
    record.flags = state.flags;
    record.keywords = state.keywords;
    record.modseq = state.modseq;
    changed.add(state.uid);
    view.noteOwnChange(state.modseq);
  }
  return changed;
}
