import { describe, expect, it } from 'vitest';
import { runBulk } from './bulk.js';

describe('runBulk', () => {
  it('does every id, at most `concurrency` at once, and reports failures without stopping', async () => {
    let inFlight = 0;
    let peak = 0;
    const ids = Array.from({ length: 10 }, (_, i) => `m${i}`);
    const result = await runBulk(
      ids,
      async (id) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        if (id === 'm3') throw new Error('gone');
      },
      3,
    );
    expect(peak).toBe(3);
    expect(result.done.sort()).toEqual(ids.filter((i) => i !== 'm3').sort());
    expect(result.failed).toHaveLength(1);
    expect(await runBulk([], async () => {})).toEqual({ done: [], failed: [] });
  });
});
