import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import { KeyedQueue } from './sign-in-queue.js';
import { type ImapHarness, imapHarness, type TestUser } from './testing/harness.js';

const databases = useDatabases();

describe('KeyedQueue', () => {
  it('runs at most perKey of one key at once, in arrival order, other keys alongside', async () => {
    const q = new KeyedQueue(2);
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    const job = (name: string) => () => {
      running += 1;
      most = Math.max(most, running);
      order.push(name);
      return new Promise<string>((r) =>
        releases.push(() => {
          running -= 1;
          r(name);
        }),
      );
    };
    const done = ['a1', 'a2', 'a3', 'a4'].map((n) => q.run('a', job(n)));
    const other = q.run('b', job('b1'));
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual(['a1', 'a2', 'b1']);
    while (releases.length > 0) {
      releases.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(await Promise.all(done)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(await other).toBe('b1');
    expect(order).toEqual(['a1', 'a2', 'b1', 'a3', 'a4']);
    expect(most).toBe(3); // two of `a` and the one of `b`
    expect(q.size).toBe(0);
  });

  it('passes the slot on when a job fails', async () => {
    const q = new KeyedQueue(1);
    const failing = q.run('a', async () => {
      throw new Error('boom');
    });
    const next = q.run('a', async () => 'next');
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('next');
    expect(q.size).toBe(0);
  });
});

describe('IMAP LOGIN: a burst of right passwords for one account', () => {
  let h: ImapHarness;
  let alice: TestUser;
  beforeAll(async () => {
    h = await imapHarness(await databases.fresh('sqlite'));
    alice = await h.addUser();
  });
  afterAll(() => h.close());

  it('logs every session in (queued, not refused as "too many failed logins")', async () => {
    // Ten at once: as many as the harness lets one user hold, more than the guard's free attempts per account and address.
    const clients = await Promise.all(Array.from({ length: 10 }, () => h.connect()));
    const answers = await Promise.all(
      clients.map((c, i) => c.command(`a${i}`, `LOGIN ${alice.address} secret`)),
    );
    for (const [i, a] of answers.entries()) expect(a.status).toMatch(new RegExp(`^a${i} OK \\[CAPABILITY `));
    // A wrong password is still a failure.
    const extra = await h.connect();
    expect((await extra.command('b', `LOGIN ${alice.address} wrong`)).status).toBe(
      'b NO [AUTHENTICATIONFAILED] Authentication failed',
    );
  });
});
