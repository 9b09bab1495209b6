import { addUsedBytes, journal, lockMailbox, updateMailbox } from './box-lock.js';
import { appendEvents } from './event-log.js';
import { deletedEvents, ownerAddress } from './mail-events.js';
import type { OpsDeps } from './ops-deps.js';
import { releaseBlobs } from './release.js';
import { MAX_UID, scanMessages, toRanges } from './uid-set.js';
import type { ExpungeOptions, ExpungeResult } from './view-types.js';

/**
 * EXPUNGE and UID EXPUNGE (RFC 9051 §6.4.3, §6.4.9): deletes the mailbox's
 * `\Deleted` messages (of `uids`, when given; every message of them with
 * `ignoreDeletedFlag`), journals their expunge under one new modseq, moves the
 * counters and the user's used bytes, all in one transaction. After the
 * commit, bodies no message references any more are removed (a rolled-back
 * expunge never loses one), and the change is published.
 */
export async function expunge(
  deps: OpsDeps,
  userId: string,
  mailboxId: string,
  options: ExpungeOptions = {},
): Promise<ExpungeResult> {
  const ranges = toRanges(options.uids ?? [[1, MAX_UID]]);
  const { database } = deps;
  const blobIds = new Set<string>();
  const result = await database.db.transaction().execute(async (trx) => {
    const box = await lockMailbox(trx, database.engine, userId, mailboxId);
    const modseq = Number(box.highest_modseq) + 1;
    const uids: number[] = [];
    const gone: Array<{ id: string; uid: number }> = [];
    const delta = { total: 0, unread: 0, deleted: 0, size: 0 };
    const filter = { deletedOnly: !options.ignoreDeletedFlag };
    for await (const page of scanMessages(trx, mailboxId, ranges, filter)) {
      for (const r of page) {
        uids.push(Number(r.uid));
        gone.push({ id: r.id, uid: Number(r.uid) });
        blobIds.add(r.blob_id);
        delta.total -= 1;
        delta.unread -= r.seen ? 0 : 1;
        delta.deleted -= r.deleted ? 1 : 0;
        delta.size -= Number(r.size);
      }
      await trx
        .deleteFrom('messages')
        .where(
          'id',
          'in',
          page.map((r) => r.id),
        )
        .execute();
    }
    if (uids.length === 0) return { uids, modseq: 0, highestModseq: Number(box.highest_modseq) };
    await journal(
      trx,
      mailboxId,
      'expunge',
      uids.map((uid) => ({ uid, modseq })),
    );
    await updateMailbox(trx, mailboxId, modseq, delta);
    await addUsedBytes(trx, userId, delta.size);
    await appendEvents(trx, deletedEvents(await ownerAddress(trx, userId), box.name, gone));
    return { uids, modseq, highestModseq: modseq };
  });
  if (result.uids.length > 0) {
    deps.notifier.publish(userId, mailboxId, result.highestModseq);
    await releaseBlobs(deps, [...blobIds]);
  }
  return result;
}
