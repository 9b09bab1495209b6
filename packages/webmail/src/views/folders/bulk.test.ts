import { describe, expect, it } from 'vitest';
import { ApiError, BATCH_MAX, type BatchAction } from '../../api/client.js';
import { runBatch } from './bulk.js';

describe('runBatch', () => {
  it('sends ids in requests of at most BATCH_MAX, counts not_found as done and reports failures', async () => {
    const calls: [string[], BatchAction, string | undefined][] = [];
    const api = {
      batch: async (_address: string, ids: string[], action: BatchAction, mailbox?: string) => {
        calls.push([ids, action, mailbox]);
        return {
          results: ids.map((id) => ({
            id,
            status:
              id === 'm3' ? ('failed' as const) : id === 'm4' ? ('not_found' as const) : ('ok' as const),
          })),
        };
      },
    };
    const ids = Array.from({ length: BATCH_MAX + 5 }, (_, i) => `m${i}`);
    const { done, failed } = await runBatch(api, 'a@x', ids, 'move', '项目');
    expect(calls.map(([chunk, action, mailbox]) => [chunk.length, action, mailbox])).toEqual([
      [BATCH_MAX, 'move', '项目'],
      [5, 'move', '项目'],
    ]);
    expect(done).toHaveLength(ids.length - 1);
    expect(failed).toHaveLength(1);
    expect(await runBatch(api, 'a@x', [], 'read')).toEqual({ done: [], failed: [] });
  });

  it('a refused request fails its ids but not the others', async () => {
    let n = 0;
    const api = {
      batch: async (_a: string, ids: string[]) => {
        if (n++ === 0) throw new ApiError(404, 'MAILBOX_NOT_FOUND', '');
        return { results: ids.map((id) => ({ id, status: 'ok' as const })) };
      },
    };
    const ids = Array.from({ length: BATCH_MAX + 1 }, (_, i) => `m${i}`);
    const { done, failed } = await runBatch(api, 'a@x', ids, 'delete');
    expect(done).toEqual([`m${BATCH_MAX}`]);
    expect(failed).toEqual([expect.objectContaining({ code: 'MAILBOX_NOT_FOUND' })]);
  });
});
