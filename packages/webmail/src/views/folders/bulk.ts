/** How many requests a bulk action keeps in flight at once (the API has no batch route yet). */
export const BULK_CONCURRENCY = 4;

/**
 * Runs `action` for every id, a few at a time, and never stops at the first
 * failure: what can be done is done, and the failures come back to report.
 */
export async function runBulk<T>(
  ids: readonly string[],
  action: (id: string) => Promise<T>,
  concurrency = BULK_CONCURRENCY,
): Promise<{ done: string[]; failed: unknown[] }> {
  const done: string[] = [];
  const failed: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      try {
        await action(id);
        done.push(id);
      } catch (e) {
        failed.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  return { done, failed };
}
