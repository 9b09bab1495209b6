import { describe, expect, it } from 'vitest';
import { createFailureLimiter } from './failure-limiter.js';

describe('createFailureLimiter', () => {
  it('blocks a key after maxFailures until its window ends', () => {
    let t = 0;
    const limiter = createFailureLimiter({ maxFailures: 3, windowMs: 60_000, now: () => t });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('1.2.3.4')).toBe(0);
      limiter.recordFailure('1.2.3.4');
    }
    expect(limiter.retryAfter('1.2.3.4')).toBe(60);
    expect(limiter.retryAfter('5.6.7.8')).toBe(0);
    t = 59_500;
    expect(limiter.retryAfter('1.2.3.4')).toBe(1);
    t = 60_000;
    expect(limiter.retryAfter('1.2.3.4')).toBe(0);
  });

  it('forgets the oldest keys beyond maxKeys, so memory stays bounded', () => {
    const limiter = createFailureLimiter({ maxFailures: 1, windowMs: 60_000, maxKeys: 2, now: () => 0 });
    limiter.recordFailure('a');
    limiter.recordFailure('b');
    limiter.recordFailure('c');
    expect(limiter.retryAfter('a')).toBe(0);
    expect(limiter.retryAfter('c')).toBe(60);
  });
});
