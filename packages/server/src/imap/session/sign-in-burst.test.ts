import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import { type ImapHarness, imapHarness, type TestUser } from './testing/harness.js';

const databases = useDatabases();

describe('IMAP LOGIN: a burst of right passwords for one account', () => {
  let h: ImapHarness;
  let alice: TestUser;
  beforeAll(async () => {
    h = await imapHarness(await databases.fresh('sqlite'));
    alice = await h.addUser();
  });
  afterAll(() => h.close());

  it('logs every session in (queued by the login guard, not refused as "too many failed logins")', async () => {
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
