import { describe, expect, it } from 'vitest';
import { RecordDeadline } from './data-rate.js';

describe('RecordDeadline', () => {
  const options = { timeoutMs: 10_000, minBytesPerSecond: 500 };

  it('cuts a record that trickles one byte every 2 s once its time is used up', () => {
    const d = new RecordDeadline(options);
    let ticks = 0;
    while (d.advance(2000, 1, true)) ticks++;
    // Each tick costs 2 s and buys 2 ms: five leave 10 ms in hand, the sixth runs out.
    expect(ticks).toBe(5);
  });

  it('never cuts data that arrives at the minimum rate, however long it takes', () => {
    const d = new RecordDeadline(options);
    // 100 MB at exactly 500 bytes/s: 55 hours of ticks, each paid for by its bytes.
    let cut = 0;
    for (let sent = 0; sent < 100 * 1024 * 1024; sent += 500) if (!d.advance(1000, 500, true)) cut++;
    expect(cut).toBe(0);
    // Slower than the minimum rate is cut, however much time it had in hand.
    let ticks = 0;
    while (d.advance(1000, 400, true)) ticks++;
    expect(ticks).toBe(49);
  });

  it('lets a client pause up to timeoutMs, but bytes buy no more than that ahead', () => {
    const d = new RecordDeadline(options);
    expect(d.advance(100, 10 * 1024 * 1024, true)).toBe(true); // a fast burst
    expect(d.remainingMs).toBe(10_000);
    expect(d.advance(9_000, 0, true)).toBe(true);
    expect(d.advance(1_500, 0, true)).toBe(false);
  });

  it('starts afresh for each record: time between records is not counted', () => {
    const d = new RecordDeadline(options);
    expect(d.advance(9_000, 0, true)).toBe(true);
    expect(d.advance(60_000, 0, false)).toBe(true);
    expect(d.remainingMs).toBe(10_000);
    expect(d.advance(9_000, 0, true)).toBe(true);
  });
});
