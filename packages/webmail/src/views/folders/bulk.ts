import { type Api, ApiError, BATCH_MAX, type BatchAction } from '../../api/client.js';

/**
 * Applies one action to many messages with `POST …/messages:batch`, in
 * requests of at most {@link BATCH_MAX} ids (one request for a page of the
 * list). Never stops at the first failure: ids that are gone already
 * (`not_found`) count as done — another client got there first — and real
 * failures come back to report.
 */
export async function runBatch(
  api: Pick<Api, 'batch'>,
  address: string,
  ids: readonly string[],
  action: BatchAction,
  mailbox?: string,
): Promise<{ done: string[]; failed: unknown[] }> {
  const done: string[] = [];
  const failed: unknown[] = [];
  for (let at = 0; at < ids.length; at += BATCH_MAX) {
    const chunk = ids.slice(at, at + BATCH_MAX);
    try {
      const { results } = await api.batch(address, chunk, action, mailbox);
      for (const r of results) {
        if (r.status === 'failed') failed.push(new ApiError(500, r.code ?? 'INTERNAL', ''));
        else done.push(r.id);
      }
    } catch (e) {
      failed.push(e);
    }
  }
  return { done, failed };
}
