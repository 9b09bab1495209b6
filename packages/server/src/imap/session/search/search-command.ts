import {
  esearchResponse,
  formatSequenceSet,
  type SearchReturn,
  searchResponse,
} from '../../protocol/index.js';
import { type MessageCache, MessageSource } from '../fetch/index.js';
import type { CommandOf } from '../registry.js';
import { type CommandHandler, ok } from '../types.js';
import { planSearch, runSearch } from './run-search.js';

/** RETURN () and IMAP4rev2's SEARCH without RETURN both mean ALL (RFC 4731 §3.1, RFC 9051 §6.4.4). */
const ALL: SearchReturn = { min: false, max: false, all: true, count: false, save: false };

/** What `$` keeps after SEARCH RETURN (SAVE ...): MIN and/or MAX alone save only those (RFC 9051 §6.4.4.1). */
function savedUids(uids: readonly number[], r: SearchReturn): number[] {
  if (r.all || r.count || (!r.min && !r.max)) return [...uids];
  const out: number[] = [];
  if (r.min && uids.length > 0) out.push(uids[0] as number);
  if (r.max && uids.length > 0 && (!r.min || uids.length > 1)) out.push(uids[uids.length - 1] as number);
  return out;
}

/**
 * SEARCH and UID SEARCH (RFC 9051 §6.4.4): every key, CHARSET (decoded by
 * the protocol layer), ESEARCH results (RETURN MIN MAX ALL COUNT SAVE, RFC
 * 4731 and RFC 5182; always ESEARCH once IMAP4rev2 is enabled), and the
 * highest MODSEQ of the matches when MODSEQ was a key (RFC 7162 §3.1.5).
 * A SEARCH ... RETURN (SAVE) that fails leaves `$` empty.
 */
export function createSearchCommand(cache: MessageCache): CommandHandler<CommandOf<'SEARCH'>> {
  return async (ctx, { tag, command }) => {
    const view = ctx.selected;
    if (!view) throw new Error('SEARCH without a selected mailbox');
    const { program } = command;
    const returns = program.returns ?? (ctx.rev2 ? ALL : null);
    if (returns?.save) view.savedSearch = new Uint32Array(0);
    const plan = planSearch(program.keys, view);
    if (plan.usesModseq) ctx.enableCondstore();
    const uids: number[] = [];
    const seqs: number[] = [];
    const modseqs: number[] = [];
    await runSearch(ctx, new MessageSource(ctx.store.blobs, cache), plan, (hit) => {
      uids.push(hit.uid);
      seqs.push(hit.seq);
      modseqs.push(hit.modseq);
    });
    const numbers = command.uid ? uids : seqs;
    const highest = (indexes: number[]) => indexes.reduce((max, i) => Math.max(max, modseqs[i] as number), 0);
    if (!returns) {
      ctx.send(searchResponse(numbers, plan.usesModseq ? highest(modseqs.map((_, i) => i)) : null));
      return ok(`${command.uid ? 'UID SEARCH' : 'SEARCH'} completed`);
    }
    if (returns.save) view.savedSearch = Uint32Array.from(savedUids(uids, returns));
    const onlySave = returns.save && !returns.min && !returns.max && !returns.all && !returns.count;
    if (!onlySave) {
      const last = numbers.length - 1;
      // RFC 4731 §3.2: with only MIN and/or MAX, MODSEQ is the highest of the messages returned.
      const shown =
        returns.all || returns.count
          ? numbers.map((_, i) => i)
          : [...(returns.min ? [0] : []), ...(returns.max ? [last] : [])].filter((i) => i >= 0);
      ctx.send(
        esearchResponse({
          tag,
          uid: command.uid,
          ...(returns.min && last >= 0 ? { min: numbers[0] } : {}),
          ...(returns.max && last >= 0 ? { max: numbers[last] } : {}),
          ...(returns.all ? { all: formatSequenceSet(numbers) } : {}),
          ...(returns.count ? { count: numbers.length } : {}),
          ...(plan.usesModseq && last >= 0 ? { modseq: highest(shown) } : {}),
        }),
      );
    }
    return ok(`${command.uid ? 'UID SEARCH' : 'SEARCH'} completed`);
  };
}
