import { searchResponse } from '../../protocol/index.js';
import { type MessageCache, MessageSource } from '../fetch/index.js';
import type { CommandOf } from '../registry.js';
import { planSearch, runSearch } from '../search/index.js';
import { bad, type CommandHandler, ok } from '../types.js';
import { ADDRESS_KEYS, type Sortable, sortMessages } from './sort-keys.js';

/**
 * SORT and UID SORT (RFC 5256 §3; DISPLAYFROM and DISPLAYTO from RFC
 * 5957): the messages the search keys select, ordered by the criteria.
 * Every key but the address keys (read from the header: see ADDRESS_KEYS)
 * comes from the delivery index, so a SORT reads no message bodies unless
 * its search does.
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
    const source = new MessageSource(ctx.store.blobs, cache);
    await runSearch(
      ctx,
      source,
      plan,
      (hit) => {
        if (hit.record) found.push({ seq: hit.seq, uid: hit.uid, record: hit.record });
      },
      { records: true },
    );
    const byAddress = command.criteria.some((c) => ADDRESS_KEYS.has(c.key));
    const sortable = byAddress ? await withAddresses(source, found) : found;
    const sorted = sortMessages(sortable, command.criteria);
    const numbers = sorted.map((m) => (command.uid ? m.uid : m.seq));
    const modseq = plan.usesModseq ? found.reduce((max, m) => Math.max(max, m.record.modseq), 0) : null;
    ctx.send(searchResponse(numbers, modseq, 'SORT'));
    return ok(`${command.uid ? 'UID SORT' : 'SORT'} completed`);
  };
}

/** The messages with their From, To and Cc header values, read once each (the parsed-header cache helps). */
async function withAddresses(source: MessageSource, messages: Sortable[]): Promise<Sortable[]> {
  const out: Sortable[] = [];
  for (const m of messages) {
    const { from, to, cc } = (await source.header(m.record)).root.fields;
    out.push({ ...m, addresses: { from, to, cc } });
  }
  return out;
}
