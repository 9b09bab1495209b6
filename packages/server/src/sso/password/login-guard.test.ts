import { describe, expect, it } from 'vitest';
import { createLoginGuard, LOGIN_RULES } from './login-guard.js';

function setup() {
  const clock = { t: 1_000_000 };
  const guard = createLoginGuard({ now: () => clock.t });
  const fail = (account: string, ip: string) => guard.begin(account, ip).failed();
  return { clock, guard, fail };
}

describe('login guard', () => {
  it('lets a few typos pass, then doubles the wait for that account from that address', () => {
    const { guard, fail, clock } = setup();
    for (let i = 0; i < LOGIN_RULES.pair.free; i++) {
      expect(guard.retryAfter('alice@example.com', '192.0.2.1')).toBe(0);
      fail('alice@example.com', '192.0.2.1');
    }
    expect(guard.retryAfter('alice@example.com', '192.0.2.1')).toBe(0);
    fail('alice@example.com', '192.0.2.1');
    expect(guard.retryAfter('ALICE@example.com', '192.0.2.1')).toBe(1);
    clock.t += 1000;
    fail('alice@example.com', '192.0.2.1');
    expect(guard.retryAfter('alice@example.com', '192.0.2.1')).toBe(2);
  });

  it('holds one guesser at one account to the bucket’s leak: about one guess per 5 minutes', () => {
    const { guard, fail, clock } = setup();
    let guesses = 0;
    const day = 24 * 3600 * 1000;
    for (const start = clock.t; clock.t - start < day; guesses++) {
      clock.t += guard.retryAfter('alice@example.com', '192.0.2.1') * 1000;
      fail('alice@example.com', '192.0.2.1');
    }
    expect(guesses).toBeGreaterThan(250);
    expect(guesses).toBeLessThanOrEqual(day / LOGIN_RULES.pair.leakMs + LOGIN_RULES.pair.free + 10);
  });

  it('never locks the real user out: a stranger hammering the account costs them at most 30 s', () => {
    const { guard, fail, clock } = setup();
    // A stranger (or a botnet over many addresses) tries alice's account as fast as allowed for an hour.
    for (let i = 0; i < 3600; i++) {
      const ip = `198.51.100.${i % 200}`;
      if (guard.retryAfter('alice@example.com', ip) === 0) fail('alice@example.com', ip);
      clock.t += 1000;
    }
    const wait = guard.retryAfter('alice@example.com', '203.0.113.5');
    expect(wait).toBeLessThanOrEqual(30);
    clock.t += wait * 1000;
    expect(guard.retryAfter('alice@example.com', '203.0.113.5')).toBe(0);
    guard.begin('alice@example.com', '203.0.113.5').succeeded();
    expect(guard.retryAfter('alice@example.com', '203.0.113.5')).toBe(0);
  });

  it('holds a botnet to about one guess per 30 s per account', () => {
    const { guard, fail, clock } = setup();
    let guesses = 0;
    for (let s = 0; s < 3600; s++) {
      for (let n = 0; n < 50; n++) {
        const ip = `10.0.${n}.${s % 250}`;
        if (guard.retryAfter('alice@example.com', ip) === 0) {
          fail('alice@example.com', ip);
          guesses++;
        }
      }
      clock.t += 1000;
    }
    expect(guesses).toBeGreaterThan(100);
    expect(guesses).toBeLessThan(3600 / 30 + 2 * LOGIN_RULES.account.free);
  });

  it('stops one address spraying many accounts, without touching other addresses', () => {
    const { guard, fail } = setup();
    let tried = 0;
    for (let i = 0; i < 1000; i++) {
      if (guard.retryAfter(`user${i}@example.com`, '192.0.2.66') > 0) break;
      fail(`user${i}@example.com`, '192.0.2.66');
      tried++;
    }
    expect(tried).toBe(LOGIN_RULES.ip.free + 1);
    expect(guard.retryAfter('someone@example.com', '192.0.2.66')).toBeGreaterThan(0);
    expect(guard.retryAfter('someone@example.com', '192.0.2.67')).toBe(0);
  });

  it('tolerates an office behind one address mistyping now and then', () => {
    const { guard, fail, clock } = setup();
    // 1000 people, one typo somewhere every 90 s, all day.
    for (let i = 0; i < 960; i++) {
      expect(guard.retryAfter(`user${i % 1000}@example.com`, '192.0.2.10')).toBe(0);
      fail(`user${i % 1000}@example.com`, '192.0.2.10');
      clock.t += 90_000;
    }
  });

  it('counts attempts in flight, so a parallel burst cannot outrun the counter', () => {
    const { guard } = setup();
    const inFlight = [];
    for (let i = 0; i <= LOGIN_RULES.pair.free; i++)
      inFlight.push(guard.begin('bob@example.com', '192.0.2.2'));
    expect(guard.retryAfter('bob@example.com', '192.0.2.2')).toBe(1);
    for (const a of inFlight) a.cancelled();
    expect(guard.retryAfter('bob@example.com', '192.0.2.2')).toBe(0);
  });

  it('clears the account on success but a spray’s own success does not reset its address', () => {
    const { guard, fail } = setup();
    for (let i = 0; i < 40; i++) fail(`user${i}@example.com`, '192.0.2.9');
    const blocked = guard.retryAfter('mine@example.com', '192.0.2.9');
    expect(blocked).toBeGreaterThan(0);
    guard.begin('x@example.com', '192.0.2.99').succeeded(); // unrelated
    expect(guard.retryAfter('mine@example.com', '192.0.2.9')).toBe(blocked);
  });

  it('keeps memory bounded under a flood of addresses', () => {
    const clock = { t: 0 };
    const guard = createLoginGuard({ now: () => clock.t, maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) guard.begin(`u${i}@example.com`, `ip${i}`).failed();
    // The oldest buckets were dropped; the newest are still counted.
    expect(guard.retryAfter('u9999@example.com', 'ip9999')).toBe(0);
    for (let i = 0; i < 10; i++) guard.begin('u9999@example.com', 'ip9999').failed();
    expect(guard.retryAfter('u9999@example.com', 'ip9999')).toBeGreaterThan(0);
  });
});
