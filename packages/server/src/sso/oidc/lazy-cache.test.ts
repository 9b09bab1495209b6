import { describe, expect, it } from 'vitest';
import { BackingOff, lazyCache } from './lazy-cache.js';

function setup(results: (string | Error)[]) {
  const clock = { t: 0 };
  let calls = 0;
  const get = lazyCache(
    async () => {
      calls++;
      const r = results.shift() ?? new Error('no more results');
      if (r instanceof Error) throw r;
      return r;
    },
    {
      ttlMs: 60_000,
      minBackoffMs: 1000,
      maxBackoffMs: 8000,
      attempts: 2,
      now: () => clock.t,
      sleep: async () => {},
    },
  );
  return { get, clock, calls: () => calls };
}

describe('lazyCache', () => {
  it('loads once on first use and shares the value, also between concurrent callers', async () => {
    const { get, calls } = setup(['v1']);
    expect(calls()).toBe(0);
    expect(await Promise.all([get(), get(), get()])).toEqual(['v1', 'v1', 'v1']);
    expect(calls()).toBe(1);
  });

  it('retries a failed load, then backs off with doubling waits while failing', async () => {
    const { get, clock, calls } = setup([
      new Error('down'),
      new Error('down'),
      new Error('down'),
      new Error('down'),
      'v1',
    ]);
    await expect(get()).rejects.toThrow('down');
    expect(calls()).toBe(2); // two attempts
    await expect(get()).rejects.toBeInstanceOf(BackingOff);
    expect(calls()).toBe(2); // not hit while backing off
    clock.t += 1000;
    await expect(get()).rejects.toThrow('down');
    await expect(get()).rejects.toMatchObject({ retryInMs: 2000 });
    clock.t += 2000;
    expect(await get()).toBe('v1');
    expect(calls()).toBe(5);
  });

  it('reloads a stale value, and keeps serving it when the reload fails', async () => {
    const { get, clock } = setup(['v1', new Error('down'), new Error('down'), 'v2']);
    expect(await get()).toBe('v1');
    clock.t += 61_000;
    expect(await get()).toBe('v1');
    expect(await get()).toBe('v1'); // stale, and the reload is backing off
    clock.t += 1000;
    expect(await get()).toBe('v2');
  });
});
