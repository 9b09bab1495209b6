import type { Logger } from '../telemetry/index.js';
import type { Database } from './db.js';
import type { BlobStore } from './types.js';

/** Blob ids per reference query; far below both engines' bound-parameter limits. */
const IDS_PER_QUERY = 1000;

/**
 * Removes the bodies of `blobIds` that no message row references any more
 * (one blob can back several recipients' rows). Call after the deleting
 * transaction has committed, so a rollback never loses a body. Failures are
 * logged, not thrown: the rows are already gone, and a leftover body costs
 * space, not correctness.
 */
export async function releaseBlobs(
  deps: { database: Database; blobs: Pick<BlobStore, 'remove'>; log?: Logger },
  blobIds: readonly string[],
): Promise<void> {
  const ids = [...new Set(blobIds)];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const chunk = ids.slice(i, i + IDS_PER_QUERY);
    try {
      const rows = await deps.database.db
        .selectFrom('messages')
        .select('blob_id')
        .distinct()
        .where('blob_id', 'in', chunk)
        .execute();
      const referenced = new Set(rows.map((r) => r.blob_id));
      for (const blobId of chunk) if (!referenced.has(blobId)) await removeQuietly(deps, blobId);
    } catch (e) {
      deps.log?.warn({ err: e, count: chunk.length }, 'could not check blob references; files kept');
    }
  }
}

async function removeQuietly(
  deps: { blobs: Pick<BlobStore, 'remove'>; log?: Logger },
  blobId: string,
): Promise<void> {
  try {
    await deps.blobs.remove(blobId);
  } catch (e) {
    deps.log?.warn({ err: e, blobId }, 'could not remove an unreferenced blob');
  }
}
