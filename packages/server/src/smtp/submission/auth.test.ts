import type { SMTPServerAuthentication, SMTPServerSession } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import type { Directory, User } from '../../directory/index.js';
import { createLoginGuard, createMemoryBucketStore, LOGIN_RULES } from '../../limits/index.js';
import { AppError } from '../../shared/index.js';
import { createLogger } from '../../telemetry/index.js';
import { createAuthHandler } from './auth.js';

const ALICE = { id: 'u1', address: 'alice@example.com' } as User;

/** The handler over a directory whose answer a test sets; counts the passwords it was asked to check. */
function setup() {
  const state = { unreachable: false, checked: 0 };
  const directory = {
    async authenticate(address: string, password: string) {
      state.checked++;
      if (state.unreachable) throw new AppError('DIRECTORY_UNAVAILABLE');
      return address === ALICE.address && password === 'right' ? ALICE : null;
    },
  } as Directory;
  const guard = createLoginGuard({ store: createMemoryBucketStore() });
  const handler = createAuthHandler({ directory, guard, log: createLogger({ level: 'silent' }) });
  const auth = (password: string, ip = '192.0.2.1') =>
    handler(
      { method: 'PLAIN', username: 'Alice@Example.com', password } as SMTPServerAuthentication,
      { remoteAddress: ip } as SMTPServerSession,
    ).then(
      (r) => ({ ok: r.user }),
      (e: { responseCode: number; message: string }) => ({ reply: `${e.responseCode} ${e.message}` }),
    );
  return { state, auth };
}

describe('SMTP AUTH behind the login guard', () => {
  it.each([
    ['the right password signs in', 'right', { ok: 'u1' }],
    ['a wrong one is 535 5.7.8', 'wrong', { reply: '535 5.7.8 Authentication credentials invalid' }],
  ])('%s', async (_name, password, answer) => {
    const { auth } = setup();
    expect(await auth(password)).toEqual(answer);
  });

  it('answers a parallel burst with 454 4.7.0 past the budget, checking only what the budget allows', async () => {
    const { auth, state } = setup();
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => auth(`guess-${i}`)));
    const refused = answers.filter((a) => 'reply' in a && a.reply.startsWith('454 '));
    expect(state.checked).toBe(LOGIN_RULES.pair.free + 1);
    expect(refused).toHaveLength(100 - state.checked);
    expect(refused[0]).toEqual({ reply: '454 4.7.0 Too many failed logins; try again in 1 second' });
    // The right password from the same address waits too: the refusal reveals nothing …
    expect(await auth('right')).toMatchObject({ reply: expect.stringMatching(/^454 4\.7\.0 /) });
    // … and from another address it signs in.
    expect(await auth('right', '198.51.100.7')).toEqual({ ok: 'u1' });
  });

  it('refunds attempts the directory could not check: an outage is nobody’s failure', async () => {
    const { auth, state } = setup();
    state.unreachable = true;
    for (let i = 0; i < 3 * LOGIN_RULES.pair.free; i++) {
      expect(await auth('right')).toEqual({ reply: '454 4.7.0 Temporary authentication failure' });
    }
    state.unreachable = false;
    expect(await auth('right')).toEqual({ ok: 'u1' });
  });
});
