import type { Transaction } from 'kysely';
import { AppError } from '../shared/index.js';
import { journal, lockMailbox, updateMailbox } from './box-lock.js';
import { appendEvents } from './event-log.js';
import { normalizeKeywords } from './flags.js';
import { type FlagChangeItem, flagEvents, ownerAddress } from './mail-events.js';
import type { OpsDeps } from './ops-deps.js';
import { bitsOf, flagColumns, keywordsOf } from './rows.js';
import type { DB, MessagesTable } from './schema.js';
import { scanMessages, toRanges } from './uid-set.js';
import { FLAG, type FlagBits, type FlagChange, type SetFlagsResult, type UidSet } from './view-types.js';

const ALL_FLAGS = FLAG.seen | FLAG.answered | FLAG.flagged | FLAG.deleted | FLAG.draft;

/** `before` changed as `change` says, keywords compared case-insensitively (RFC 9051 §2.3.2). */
function applyChange(
  bits: FlagBits,
  keywords: string[],
  change: FlagChange,
  wanted: string[],
): { bits: FlagBits; keywords: string[] } {
  const lower = new Set(wanted.map((k) => k.toLowerCase()));
  switch (change.mode) {
    case 'add': {
      const have = new Set(keywords.map((k) => k.toLowerCase()));
      const added = wanted.filter((k) => !have.has(k.toLowerCase()));
      return { bits: bits | change.flags, keywords: [...keywords, ...added].sort() };
    }
    case 'remove':
      return { bits: bits & ~change.flags, keywords: keywords.filter((k) => !lower.has(k.toLowerCase())) };
    case 'replace':
      return { bits: change.flags, keywords: wanted };
  }
}

const sameKeywords = (a: string[], b: string[]) => a.length === b.length && a.every((k, i) => k === b[i]);

/** Counter movement of one message going from `before` to `after` flags. */
const unreadOf = (bits: FlagBits) => (bits & FLAG.seen ? 0 : 1);
const deletedOf = (bits: FlagBits) => (bits & FLAG.deleted ? 1 : 0);

/** Messages of one page that end with the same flags: one UPDATE for all of them. */
type Groups = Map<string, { bits: FlagBits; keywords: string[]; uids: number[] }>;

/**
 * STORE (RFC 9051 §6.4.6) with CONDSTORE's UNCHANGEDSINCE (RFC 7162 §3.1.3):
 * one transaction, one new modseq for every message whose flags change, a
 * `flags` journal row for each, the unread and `\Deleted` counters moved.
 * Messages whose flags are already so keep their modseq.
 */
export async function setFlags(
  deps: OpsDeps,
  userId: string,
  mailboxId: string,
  uids: UidSet,
  change: FlagChange,
): Promise<SetFlagsResult> {
  if (!Number.isInteger(change.flags) || (change.flags & ~ALL_FLAGS) !== 0)
    throw new AppError('VALIDATION_FAILED', 'flags must be FLAG bits');
  const wanted = normalizeKeywords(change.keywords ?? []);
  const ranges = toRanges(uids);
  const { database } = deps;
  const result = await database.db.transaction().execute(async (trx) => {
    const box = await lockMailbox(trx, database.engine, userId, mailboxId);
    const modseq = Number(box.highest_modseq) + 1;
    const out: SetFlagsResult = { messages: [], failed: [], highestModseq: Number(box.highest_modseq) };
    const changed: Array<{ uid: number; modseq: number }> = [];
    const items: FlagChangeItem[] = [];
    const delta = { unread: 0, deleted: 0 };
    for await (const page of scanMessages(trx, mailboxId, ranges)) {
      const groups: Groups = new Map();
      for (const row of page) {
        const uid = Number(row.uid);
        if (change.unchangedSince !== undefined && Number(row.modseq) > change.unchangedSince) {
          out.failed.push(uid);
          continue;
        }
        const before = { bits: bitsOf(row), keywords: keywordsOf(row.keywords) };
        const after = applyChange(before.bits, before.keywords, change, wanted);
        if (after.bits === before.bits && sameKeywords(after.keywords, before.keywords)) {
          out.messages.push({
            uid,
            modseq: Number(row.modseq),
            flags: before.bits,
            keywords: before.keywords,
            changed: false,
          });
          continue;
        }
        delta.unread += unreadOf(after.bits) - unreadOf(before.bits);
        delta.deleted += deletedOf(after.bits) - deletedOf(before.bits);
        changed.push({ uid, modseq });
        items.push({ id: row.id, uid, before, after });
        out.messages.push({ uid, modseq, flags: after.bits, keywords: after.keywords, changed: true });
        const key = `${after.bits} ${JSON.stringify(after.keywords)}`;
        const group = groups.get(key) ?? { ...after, uids: [] };
        group.uids.push(uid);
        groups.set(key, group);
      }
      await writeGroups(trx, mailboxId, modseq, groups);
    }
    if (changed.length > 0) {
      await journal(trx, mailboxId, 'flags', changed);
      await updateMailbox(trx, mailboxId, modseq, delta);
      out.highestModseq = modseq;
      await appendEvents(trx, flagEvents(await ownerAddress(trx, userId), box.name, items));
    }
    return out;
  });
  const anyChanged = result.messages.some((m) => m.changed);
  if (anyChanged) deps.notifier.publish(userId, mailboxId, result.highestModseq);
  return result;
}

async function writeGroups(
  trx: Transaction<DB>,
  mailboxId: string,
  modseq: number,
  groups: Groups,
): Promise<void> {
  for (const g of groups.values()) {
    const set: Partial<MessagesTable> = {
      ...flagColumns(g.bits),
      keywords: g.keywords.length ? JSON.stringify(g.keywords) : '[]',
      modseq,
    };
    await trx
      .updateTable('messages')
      .set(set)
      .where('mailbox_id', '=', mailboxId)
      .where('uid', 'in', g.uids)
      .execute();
  }
}
