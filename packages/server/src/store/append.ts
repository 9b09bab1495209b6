import { AppError, newId } from '../shared/index.js';
import { assertBlobId } from './blobs.js';
import { addUsedBytes, journal, lockMailbox, updateMailbox } from './box-lock.js';
import { appendEvents } from './event-log.js';
import { normalizeKeywords } from './flags.js';
import { ownerAddress, rowNewEvent } from './mail-events.js';
import type { OpsDeps } from './ops-deps.js';
import { releaseBlobs } from './release.js';
import { flagColumns, newMessageRow } from './rows.js';
import type { Placed } from './types.js';
import type { AppendInput } from './view-types.js';

/**
 * APPEND (RFC 9051 §6.3.12): a body file is moved into place first (as the
 * committer does); then one transaction stores an inline body, the row with
 * the client's flags and internal date, its journal row, the counters and
 * the used bytes, refusing (QUOTA_EXCEEDED) when they would pass the quota.
 * If anything fails the body is removed again, unless a row references it.
 */
export async function append(deps: OpsDeps, input: AppendInput): Promise<Placed> {
  const { blob, userId, mailboxId } = input;
  assertBlobId(blob.blobId);
  const flags = input.flags ?? 0;
  if (!Number.isInteger(flags) || flags < 0 || flags > 31)
    throw new AppError('VALIDATION_FAILED', 'flags must be FLAG bits');
  const keywords = normalizeKeywords(input.keywords ?? []);
  if (!blob.data) {
    const { failed } = await deps.blobs.files.commit([blob.blobId]);
    const error = failed.get(blob.blobId);
    if (error) throw error;
  }
  const { database } = deps;
  try {
    const placed = await database.db.transaction().execute(async (trx) => {
      if (blob.data)
        await trx.insertInto('message_bodies').values({ blob_id: blob.blobId, data: blob.data }).execute();
      const box = await lockMailbox(trx, database.engine, userId, mailboxId);
      const uid = Number(box.uid_next);
      const modseq = Number(box.highest_modseq) + 1;
      const id = newId();
      const row = newMessageRow(
        { blob, targets: [], index: input.index, internalDate: input.internalDate ?? Date.now() },
        { id, mailboxId, userId, uid, modseq, seen: false, flags, keywords },
      );
      await trx.insertInto('messages').values(row).execute();
      await journal(trx, mailboxId, 'new', [{ uid, modseq }]);
      const columns = flagColumns(flags);
      await updateMailbox(trx, mailboxId, modseq, {
        uids: 1,
        total: 1,
        unread: columns.seen ? 0 : 1,
        deleted: columns.deleted,
        size: blob.size,
      });
      await addUsedBytes(trx, userId, blob.size, true);
      await appendEvents(trx, [rowNewEvent(await ownerAddress(trx, userId), box.name, row)]);
      return { messageId: id, userId, mailboxId, uid, modseq };
    });
    deps.notifier.publish(userId, mailboxId, placed.modseq);
    return placed;
  } catch (err) {
    if (!blob.data) await releaseBlobs(deps, [blob.blobId]);
    throw err;
  }
}
