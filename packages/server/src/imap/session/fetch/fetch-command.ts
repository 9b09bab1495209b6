import type { MessageRecord } from '../../../store/index.js';
import { type FetchAttribute, fetchResponse, fetchSetsSeen } from '../../protocol/index.js';
import { learnKeywords, mailboxFlagLines } from '../mailbox-flags.js';
import type { CommandOf } from '../registry.js';
import { bad, type CommandHandler, ok } from '../types.js';
import { discardItems, type FetchItem, fetchItem, flagsValue } from './fetch-items.js';
import { markSeen } from './implicit-seen.js';
import type { MessageCache } from './message-cache.js';
import { MessageSource } from './message-source.js';
import { vanishedEarlier } from './vanished.js';

/** Records handled together: one implicit-\Seen store call per batch. */
const BATCH = 64;

/** The items to answer: those asked, UID first for UID FETCH, MODSEQ with CHANGEDSINCE (RFC 7162 §3.1.4.1). */
function plannedItems(command: CommandOf<'FETCH'>): FetchAttribute[] {
  const asked = command.attributes;
  const has = (item: string) => asked.some((a) => a.kind === 'item' && a.item === item);
  const planned = [...asked];
  if (command.uid && !has('UID')) planned.unshift({ kind: 'item', item: 'UID' });
  if (command.changedSince !== null && !has('MODSEQ')) planned.push({ kind: 'item', item: 'MODSEQ' });
  return planned;
}

/** One message's FETCH items; on failure the streams already opened for it are closed. */
async function buildItems(
  source: MessageSource,
  record: MessageRecord,
  attributes: readonly FetchAttribute[],
  recent: boolean,
): Promise<FetchItem[]> {
  const items: FetchItem[] = [];
  try {
    for (const attribute of attributes) items.push(await fetchItem(source, record, attribute, recent));
    return items;
  } catch (error) {
    discardItems(items);
    throw error;
  }
}

/**
 * FETCH and UID FETCH (RFC 9051 §6.4.5, §6.4.8) with CHANGEDSINCE and
 * VANISHED (RFC 7162 §3.1.4, §3.2.6) and BINARY (RFC 3516). Messages are
 * read from the store in UID order a page at a time; each response is
 * written with backpressure, bodies streamed from the store. Reading a body
 * section sets `\Seen` unless the mailbox was EXAMINEd, and the response
 * then carries the new FLAGS. Messages another session expunged are
 * skipped; by sequence number the answer then says EXPUNGEISSUED.
 */
export function createFetchCommand(cache: MessageCache): CommandHandler<CommandOf<'FETCH'>> {
  return async (ctx, { command }) => {
    const source = new MessageSource(ctx.store.blobs, cache);
    const view = ctx.selected;
    const user = ctx.user;
    if (!view || !user) throw new Error('FETCH without a selected mailbox');
    if (command.vanished && !ctx.enabled.has('QRESYNC'))
      return bad('VANISHED needs QRESYNC enabled (RFC 7162 §3.2.6)');
    const attributes = plannedItems(command);
    const asksModseq = attributes.some((a) => a.kind === 'item' && a.item === 'MODSEQ');
    if (command.changedSince !== null || asksModseq) ctx.enableCondstore();
    const selection = view.resolve(command.set, command.uid);
    if (command.vanished && command.changedSince !== null) {
      const vanished = await vanishedEarlier(ctx, view, command.set, command.changedSince);
      if (vanished) ctx.send(vanished);
    }
    const setsSeen = !view.readOnly && attributes.some(fetchSetsSeen);
    const asksFlags = attributes.some((a) => a.kind === 'item' && a.item === 'FLAGS');
    const condstore = ctx.enabled.has('CONDSTORE') || ctx.enabled.has('QRESYNC');
    let answered = 0;
    let batch: MessageRecord[] = [];
    const flush = async () => {
      const changed = setsSeen ? await markSeen(ctx, batch) : new Set<number>();
      for (const record of batch) {
        const seq = view.seqOf(record.uid);
        if (seq === 0 || ctx.closed) continue;
        const recent = !ctx.rev2 && view.isRecent(record.uid);
        const items = await buildItems(source, record, attributes, recent);
        if (changed.has(record.uid)) {
          // RFC 9051 §6.4.5: the implicit \Seen shows in the same response (with MODSEQ under CONDSTORE).
          if (!asksFlags) items.push(['FLAGS', flagsValue(record, recent)]);
          if (condstore && !asksModseq && command.changedSince === null)
            items.push(['MODSEQ', [record.modseq]]);
        }
        // A keyword set elsewhere and not yet announced: FLAGS first (RFC 9051 §7.3.5), as updates.ts does.
        if ((asksFlags || changed.has(record.uid)) && learnKeywords(view, record.keywords))
          for (const line of mailboxFlagLines(view)) ctx.send(line);
        await ctx.writeParts(fetchResponse(seq, items, ctx.encoding));
        answered++;
      }
      batch = [];
    };
    if (selection.count > 0) {
      const options = command.changedSince !== null ? { changedSince: command.changedSince } : {};
      for await (const record of ctx.store.fetchMessages(user.id, view.mailboxId, selection.uids, options)) {
        batch.push(record);
        if (batch.length >= BATCH) await flush();
        if (ctx.closed) break;
      }
      await flush();
    }
    if (!command.uid && command.changedSince === null && answered < selection.count)
      return ok('Some messages were already expunged', { name: 'EXPUNGEISSUED' });
    return ok(`${command.uid ? 'UID FETCH' : 'FETCH'} completed`);
  };
}
