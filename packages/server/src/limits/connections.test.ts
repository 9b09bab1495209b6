import { describe, expect, it } from 'vitest';
import { createConnectionLimiter } from './connections.js';

describe('createConnectionLimiter', () => {
  it('admits up to maxPerClient connections per client and one more after a release', () => {
    const limiter = createConnectionLimiter({ maxPerClient: 2 });
    const a = limiter.acquire('192.0.2.1');
    const b = limiter.acquire('::ffff:192.0.2.1');
    expect(a && b).toBeTruthy();
    expect(limiter.acquire('192.0.2.1')).toBeNull();
    // Another client is not affected.
    expect(limiter.acquire('192.0.2.2')).not.toBeNull();
    expect(limiter.count('192.0.2.1')).toBe(2);
    a?.release();
    a?.release(); // a second release does not free a second slot
    expect(limiter.count('192.0.2.1')).toBe(1);
    expect(limiter.acquire('192.0.2.1')).not.toBeNull();
    expect(limiter.acquire('192.0.2.1')).toBeNull();
  });

  it('counts the addresses of one IPv6 /64 together', () => {
    const limiter = createConnectionLimiter({ maxPerClient: 1 });
    expect(limiter.acquire('2001:db8::1')).not.toBeNull();
    expect(limiter.acquire('2001:db8::2')).toBeNull();
    expect(limiter.acquire('2001:db8:0:1::1')).not.toBeNull();
  });

  it('never limits exempt clients, and forgets clients whose connections all closed', () => {
    const limiter = createConnectionLimiter({ maxPerClient: 1, exempt: '10.0.0.0/8' });
    for (let i = 0; i < 5; i++) expect(limiter.acquire('10.1.2.3')).not.toBeNull();
    expect(limiter.clients).toBe(0);
    const lease = limiter.acquire('192.0.2.9');
    expect(limiter.clients).toBe(1);
    lease?.release();
    expect(limiter.clients).toBe(0);
  });

  it('limits nothing with maxPerClient 0', () => {
    const limiter = createConnectionLimiter({ maxPerClient: 0 });
    for (let i = 0; i < 100; i++) expect(limiter.acquire('192.0.2.1')).not.toBeNull();
  });
});
