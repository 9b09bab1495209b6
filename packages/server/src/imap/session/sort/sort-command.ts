import { searchResponse } from '../../protocol/index.js';
import { type MessageCache, MessageSource } from '../fetch/index.js';
import type { CommandOf } from '../registry.js';
import { planSearch, runSearch } from '../search/index.js';
import { bad, type CommandHandler, ok } from '../types.js';
import { type Sortable, sortMessages } from './sort-keys.js';

/**
 * SORT and UID SORT (RFC 5256 §3; DISPLAYFROM and DISPLAYTO from RFC
 * 5957): the messages the search keys select, ordered by the criteria.
 * Every key but the search's own comes from the delivery index, so a SORT
 * reads no message bodies unless its search does.
 */
export function createSortCommand(cache: MessageCache): CommandHandler<CommandOf<'SORT'>> {
  return async (ctx, { command }) => {
    const view = ctx.selected;
    if (!view) throw new Error('SORT without a selected mailbox');
    // ESORT (RFC 5267) is not offered: RETURN options have no meaning for SORT here.
    if (command.program.returns) return bad('SORT ... RETURN needs ESORT, which this server does not offer');
    const plan = planSearch(command.program.keys, view);
    if (plan.usesModseq) ctx.enableCondstore();
    const found: Sortable[] = [];
    await runSearch(
      ctx,
      new MessageSource(ctx.store.blobs, cache),
      plan,
      (hit) => {
        if (hit.record) found.push({ seq: hit.seq, uid: hit.uid, record: hit.record });
      },
      { records: true },
    );
    const sorted = sortMessages(found, command.criteria);
    const numbers = sorted.map((m) => (command.uid ? m.uid : m.seq));
    const modseq = plan.usesModseq ? found.reduce((max, m) => Math.max(max, m.record.modseq), 0) : null;
    ctx.send(searchResponse(numbers, modseq, 'SORT'));
    return ok(`${command.uid ? 'UID SORT' : 'SORT'} completed`);
  };
}
