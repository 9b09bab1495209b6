import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE_SECONDS } from '../config/queue-schema.js';
import { nextAttemptAt, retryDelayMs } from './retry.js';

const min = 60_000;

describe('the retry schedule', () => {
  it('waits 5, 10, 20, 30 min, 1 h, 2 h, then every 4 h (without the random part)', () => {
    const waits = Array.from({ length: 10 }, (_, i) =>
      retryDelayMs(i + 1, DEFAULT_RETRY_SCHEDULE_SECONDS, () => 0),
    );
    expect(waits.map((w) => w / min)).toEqual([5, 10, 20, 30, 60, 120, 240, 240, 240, 240]);
  });

  it('adds at most 10% at random', () => {
    expect(retryDelayMs(1, [300], () => 0.999_999)).toBe(Math.round(300_000 * 1.099_999_9));
    expect(retryDelayMs(1, [300], () => 0.5)).toBe(315_000);
  });

  it('makes 35 attempts in the default 5 days before the expiry', () => {
    let t = 0;
    let attempts = 0;
    const expires = 120 * 60 * min;
    while (t < expires) {
      attempts += 1;
      t = nextAttemptAt(t, attempts, expires, DEFAULT_RETRY_SCHEDULE_SECONDS, () => 0);
    }
    expect(attempts).toBe(35);
  });

  it('never schedules past the message’s expiry', () => {
    expect(nextAttemptAt(1000, 7, 5000, DEFAULT_RETRY_SCHEDULE_SECONDS)).toBe(5000);
  });
});
