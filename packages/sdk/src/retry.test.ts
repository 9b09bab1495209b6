import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter } from './retry.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});

describe('backoffMs', () => {
  it('draws from [0, min(cap, base·2^attempt))', () => {
    expect(backoffMs(0, 500, 8000, () => 0.999)).toBe(499);
    expect(backoffMs(3, 500, 8000, () => 0.5)).toBe(2000);
    expect(backoffMs(10, 500, 8000, () => 0.999)).toBe(7992);
    expect(backoffMs(2, 500, 8000, () => 0)).toBe(0);
  });
});
