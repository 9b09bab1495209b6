import { describe, expect, it } from 'vitest';
import { createLoginGuard, LOGIN_RULES, type LoginGuard } from './login-guard.js';
import { createMemoryBucketStore } from './memory-bucket-store.js';

const { pair, address, suspects, newcomers, secrets } = LOGIN_RULES;
const DAY = 24 * 3600_000;
const ALICE = 'alice@example.com';

interface Clock {
  t: number;
}

function setup(maxKeys?: number) {
  const clock: Clock = { t: 1_000_000 };
  const guard = createLoginGuard({ store: createMemoryBucketStore({ now: () => clock.t, maxKeys }) });
  return { clock, guard };
}

/** One wrong password, if the guard lets it be checked; true when it was. */
async function guess(guard: LoginGuard, account: string, ip: string, password = `guess-${Math.random()}`) {
  const a = await guard.admit(account, ip);
  if (a.admitted) await a.attempt.failed(password);
  return a.admitted;
}

/** The right password: seconds waited (in fake time) until it was admitted, or Infinity. */
async function signIn(guard: LoginGuard, clock: Clock, account: string, ip: string, maxWaits = 3) {
  const start = clock.t;
  for (let i = 0; i <= maxWaits; i++) {
    const a = await guard.admit(account, ip);
    if (a.admitted) {
      await a.attempt.succeeded();
      return (clock.t - start) / 1000;
    }
    clock.t += a.retryAfter * 1000;
  }
  return Number.POSITIVE_INFINITY;
}

/** `n` wrong guesses started at once, each settled as soon as it is checked: how many were checked. */
async function burst(
  guard: LoginGuard,
  n: number,
  account: (i: number) => string,
  ip: (i: number) => string,
) {
  const checked = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const a = await guard.admit(account(i), ip(i));
      if (a.admitted) await a.attempt.failed(`p${i}`);
      return a.admitted;
    }),
  );
  return checked.filter(Boolean).length;
}

interface AttackCase {
  name: string;
  /** Runs the attack; resolves how many guesses were checked. */
  attack(guard: LoginGuard, clock: Clock): Promise<number>;
  atLeast: number;
  atMost: number;
}

const attacks: AttackCase[] = [
  {
    name: '500 parallel guesses at one account from one address: the pair’s free attempts, plus one',
    attack: (g) =>
      burst(
        g,
        500,
        () => ALICE,
        () => '192.0.2.1',
      ),
    atLeast: pair.free + 1,
    atMost: pair.free + 1,
  },
  {
    name: '200 parallel guesses from 11 addresses: the account’s two lanes, not 11 pairs',
    attack: (g) =>
      burst(
        g,
        200,
        () => ALICE,
        (i) => `10.0.0.${i % 11}`,
      ),
    atLeast: newcomers.free + 1,
    atMost: newcomers.free + 1 + suspects.free + 1,
  },
  {
    name: '300 parallel guesses at 300 accounts from one address: the address’s budget',
    attack: (g) =>
      burst(
        g,
        300,
        (i) => `user${i}@example.com`,
        () => '192.0.2.66',
      ),
    atLeast: address.free + 1,
    atMost: address.free + 1,
  },
  {
    name: 'one guesser at one account, as fast as allowed for a day: about one guess per 5 minutes',
    async attack(g, clock) {
      let checked = 0;
      for (const end = clock.t + DAY; clock.t < end; ) {
        const a = await g.admit(ALICE, '192.0.2.1');
        if (!a.admitted) clock.t += a.retryAfter * 1000;
        else {
          await a.attempt.failed(`guess-${checked++}`);
        }
      }
      return checked;
    },
    atLeast: 250,
    atMost: DAY / pair.leakMs + pair.free + 10,
  },
  {
    name: 'a botnet of 50 addresses a second at one account for an hour: about two guesses per 30 s',
    async attack(g, clock) {
      let checked = 0;
      for (let s = 0; s < 3600; s++) {
        for (let n = 0; n < 50; n++) if (await guess(g, ALICE, `10.${n}.${s % 250}.1`)) checked++;
        clock.t += 1000;
      }
      return checked;
    },
    atLeast: 100,
    atMost: 2 * (3600 / 30 + 2 * suspects.free),
  },
];

describe('login guard: what an attack gets checked', () => {
  it.each(attacks)('$name', async ({ attack, atLeast, atMost }) => {
    const { guard, clock } = setup();
    const checked = await attack(guard, clock);
    expect(checked).toBeGreaterThanOrEqual(atLeast);
    expect(checked).toBeLessThanOrEqual(atMost);
  });
});

describe('login guard: the real user is never locked out', () => {
  it.each(attacks)('after: $name', async ({ attack }) => {
    const { guard, clock } = setup();
    await attack(guard, clock);
    // From an address that has not been failing at the account: at most the account lane's cap.
    expect(await signIn(guard, clock, ALICE, '203.0.113.5')).toBeLessThanOrEqual(newcomers.maxMs / 1000);
  });

  it('gets in at once, typos and all, while a handful of caught guessers keep hammering', async () => {
    const { guard, clock } = setup();
    const attackers = Array.from({ length: 11 }, (_, i) => `10.1.1.${i}`);
    const hammer = async (seconds: number) => {
      for (let s = 0; s < seconds; s++) {
        for (const ip of attackers) await guess(guard, ALICE, ip);
        clock.t += 1000;
      }
    };
    // Twenty minutes in, every attacker has been caught (three failures) and only reaches the suspects' lane.
    await hammer(20 * 60);
    expect(await guard.admit(ALICE, '10.1.1.0')).toMatchObject({ admitted: false });
    expect(await guess(guard, ALICE, '203.0.113.5', 'typo-1')).toBe(true);
    await hammer(10);
    expect(await guess(guard, ALICE, '203.0.113.5', 'typo-2')).toBe(true);
    await hammer(10);
    expect(await signIn(guard, clock, ALICE, '203.0.113.5', 0)).toBe(0);
  });

  it('lets an office behind one address mistype now and then, all day', async () => {
    const { guard, clock } = setup();
    // 1000 people, one typo somewhere every 90 s.
    for (let i = 0; i < 960; i++) {
      expect(await guess(guard, `user${i % 1000}@example.com`, '192.0.2.10')).toBe(true);
      clock.t += 90_000;
    }
  });

  it('does not let phones stuck on an old password fill their office’s budget', async () => {
    const { guard, clock } = setup();
    // 25 colleagues' phones each retry their old password every minute for an hour, 1500 failures.
    for (let m = 0; m < 60; m++) {
      for (let p = 0; p < 25; p++) await guess(guard, `user${p}@example.com`, '192.0.2.20', `old-${p}`);
      // Everyone else at the office still signs in at once.
      expect(await signIn(guard, clock, `colleague${m}@example.com`, '192.0.2.20', 0)).toBe(0);
      clock.t += 60_000;
    }
    // The stuck phones themselves wait: their pairs are full.
    expect(await guard.admit('user0@example.com', '192.0.2.20')).toMatchObject({ admitted: false });
  });
});

describe('login guard: charging', () => {
  it('lets a few typos pass, then doubles the wait for that account from that address', async () => {
    const { guard, clock } = setup();
    for (let i = 0; i <= pair.free; i++) expect(await guess(guard, ALICE, '192.0.2.1')).toBe(true);
    const waits = [];
    for (let i = 0; i < 3; i++) {
      const a = await guard.admit('ALICE@Example.com', '192.0.2.1');
      if (a.admitted) throw new Error('admitted during a wait');
      waits.push(a.retryAfter);
      clock.t += a.retryAfter * 1000;
      expect(await guess(guard, ALICE, '192.0.2.1')).toBe(true);
    }
    expect(waits).toEqual([1, 2, 4]);
  });

  it('holds a pair to two checks in flight: the next waits its turn, and refunds what checked nothing', async () => {
    const { guard } = setup();
    const first = await guard.admit('bob@example.com', '192.0.2.2');
    const second = await guard.admit('bob@example.com', '192.0.2.2');
    if (!first.admitted || !second.admitted) throw new Error('refused too early');
    let third: Awaited<ReturnType<LoginGuard['admit']>> | null = null;
    const waiting = guard.admit('bob@example.com', '192.0.2.2').then((a) => (third = a));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(third).toBeNull(); // neither refused nor checked while two are in flight
    expect(await guard.admit('bob@example.com', '192.0.2.3')).toMatchObject({ admitted: true }); // another pair
    await first.attempt.cancelled();
    expect(await waiting).toMatchObject({ admitted: true });
    await second.attempt.cancelled();
  });

  it('lets a burst of right passwords from one address in, each after an earlier one settles', async () => {
    // Thunderbird opens five connections at once; an integration makes 50 Basic-auth calls at once.
    const { guard } = setup();
    const admitted = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const a = await guard.admit(ALICE, '192.0.2.4');
        if (a.admitted) await a.attempt.succeeded();
        return a.admitted;
      }),
    );
    expect(admitted.filter(Boolean)).toHaveLength(50);
  });

  it('still checks a parallel burst of wrong passwords from one pair only up to its budget', async () => {
    const { guard } = setup();
    expect(
      await burst(
        guard,
        40,
        () => 'carol@example.com',
        () => '192.0.2.5',
      ),
    ).toBe(pair.free + 1);
  });

  it('settles an attempt once: a second outcome changes nothing', async () => {
    const { guard } = setup();
    for (let i = 0; i < pair.free; i++) {
      const a = await guard.admit(ALICE, '192.0.2.3');
      if (!a.admitted) throw new Error('refused');
      await a.attempt.failed(`p${i}`);
      await a.attempt.cancelled();
    }
    expect(await guess(guard, ALICE, '192.0.2.3')).toBe(true);
    expect(await guard.admit(ALICE, '192.0.2.3')).toMatchObject({ admitted: false });
  });

  it('refunds a success only its own charge: a sprayer owning one account is not let off', async () => {
    const { guard } = setup();
    for (let i = 0; i < 20; i++) expect(await guess(guard, `user${i}@example.com`, '192.0.2.9')).toBe(true);
    const own = await guard.admit('mine@example.com', '192.0.2.9');
    if (!own.admitted) throw new Error('refused');
    await own.attempt.succeeded();
    let more = 0;
    while (await guess(guard, `more${more}@example.com`, '192.0.2.9')) more++;
    expect(20 + more).toBe(address.free + 1);
  });

  it('leaves the account’s lanes alone on success: a real user’s sign-in gives guessers nothing', async () => {
    const { guard, clock } = setup();
    const taken = await burst(
      guard,
      100,
      () => ALICE,
      (i) => `10.2.0.${i}`,
    );
    expect(taken).toBe(newcomers.free + 1);
    expect(await signIn(guard, clock, ALICE, '203.0.113.9')).toBeLessThanOrEqual(30);
    expect(
      await burst(
        guard,
        100,
        () => ALICE,
        (i) => `10.3.0.${i}`,
      ),
    ).toBe(0);
  });

  it('counts a repeated wrong password only for its own pair', async () => {
    const { guard } = setup();
    // 20 accounts, each tried six times from one address with the same old password: 120 failures.
    for (let round = 0; round <= pair.free; round++) {
      for (let i = 0; i < 20; i++)
        expect(await guess(guard, `user${i}@example.com`, '192.0.2.30', 'old')).toBe(true);
    }
    // The pairs are full, but the address has spent only 20 of its budget: one per account.
    expect(await guess(guard, 'user0@example.com', '192.0.2.30', 'old')).toBe(false);
    for (let i = 20; i <= address.free; i++)
      expect(await guess(guard, `user${i}@example.com`, '192.0.2.30')).toBe(true);
    expect(await guess(guard, 'one-too-many@example.com', '192.0.2.30')).toBe(false);
  });

  it('keeps keys and tokens apart from passwords, both ways', async () => {
    const { guard } = setup();
    await burst(
      guard,
      100,
      (i) => `user${i}@example.com`,
      () => '192.0.2.40',
    );
    expect(await guess(guard, 'someone@example.com', '192.0.2.40')).toBe(false);
    expect(await guard.secretFailed('192.0.2.40')).toBe(0);
    for (let i = 0; i < secrets.free; i++) await guard.secretFailed('192.0.2.41');
    expect(await guard.secretFailed('192.0.2.41')).toBe(0);
    expect(await guard.secretFailed('192.0.2.41')).toBe(1);
    expect(await guess(guard, 'someone@example.com', '192.0.2.41')).toBe(true);
  });

  it('lets wrong keys from one address wait out the leak, not longer', async () => {
    const { guard, clock } = setup();
    let answered401 = 0;
    for (let s = 0; s < 600; s++) {
      for (let i = 0; i < 10; i++) if ((await guard.secretFailed('192.0.2.42')) === 0) answered401++;
      clock.t += 1000;
    }
    // One a second gets through (the leak): a rate, never a lockout.
    expect(answered401).toBeGreaterThanOrEqual(500);
    expect(answered401).toBeLessThanOrEqual(600 / (secrets.leakMs / 1000) + secrets.free + 1);
    clock.t += secrets.maxMs;
    expect(await guard.secretFailed('192.0.2.42')).toBe(0);
  });
});

describe('login guard: addresses', () => {
  it.each([
    ['an IPv4-mapped IPv6 address is its IPv4 address', '::ffff:192.0.2.50', '192.0.2.50', true],
    ['IPv6 addresses in one /64 share a budget', '2001:db8:1:2::1', '2001:db8:1:2:ffff::9', true],
    ['another /64 has its own', '2001:db8:1:2::1', '2001:db8:1:3::1', false],
    ['IPv4 neighbours have their own', '192.0.2.51', '192.0.2.52', false],
  ])('%s', async (_name, first, second, shared) => {
    const { guard } = setup();
    await burst(
      guard,
      50,
      (i) => `user${i}@example.com`,
      () => first,
    );
    expect((await guard.admit('new@example.com', second)).admitted).toBe(!shared);
  });

  it('still counts the newest pairs after a flood of addresses has pushed out the oldest', async () => {
    const { guard } = setup(100);
    for (let i = 0; i < 10_000; i++) await guess(guard, `u${i}@example.com`, `ip${i}`);
    for (let i = 0; i < pair.free; i++) await guess(guard, 'u9999@example.com', 'ip9999');
    expect((await guard.admit('u9999@example.com', 'ip9999')).admitted).toBe(false);
  });
});
