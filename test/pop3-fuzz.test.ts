import { JdMail } from '@jdmail/sdk';
import fc from 'fast-check';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { RawPop3 } from './harness/pop3-raw.js';
import type { TestServer } from './harness/server.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';

// Property test of POP3 sessions against the real server: random sequences of commands —
// well-formed, out of state, with missing, extra or absurd arguments, and noise — each answered
// with exactly one +OK or -ERR (and a terminated multi-line body where RFC 1939 says so), the
// session still serving afterwards; and the model of RFC 1939 §6 holding: QUIT deletes exactly the
// messages marked with DELE since the last RSET, nothing else.
const databases = useDatabases();
const MESSAGES = 3;

const arg = fc.constantFrom(
  '1',
  '2',
  '3',
  '4',
  '0',
  '-1',
  '4294967296',
  'x',
  '1 2',
  '',
  '1 0',
  '1 -1',
  '2 99999999999',
);
const command: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.constantFrom('LIST', 'UIDL', 'RETR', 'TOP', 'DELE', 'list', 'Retr'), arg)
    .map(([c, a]) => (a ? `${c} ${a}` : c)),
  fc.constantFrom(
    'STAT',
    'NOOP',
    'RSET',
    'CAPA',
    'LIST',
    'UIDL',
    'STLS',
    'USER x',
    'PASS y',
    'APOP a b',
    'AUTH PLAIN',
    'AUTH PLAIN !!!',
    'AUTH X',
    'UTF8',
    'LANG',
    'XTND XLST',
    'STAT 1',
    'NOOP x',
  ),
  fc.string({ unit: fc.constantFrom(...' .:+-*()0123456789aZ\u00e9\u9879\t'), maxLength: 60 }),
);

/** True when a +OK answer to `line` is followed by a multi-line body (RFC 1939 §3, RFC 2449 §5). */
function multiLine(line: string): boolean {
  const [name, ...args] = line.split(' ');
  const n = name?.toUpperCase();
  if (n === 'CAPA' || n === 'RETR' || n === 'TOP') return true;
  return (n === 'LIST' || n === 'UIDL') && args.length === 0;
}

describe('POP3 sessions under random commands', () => {
  let server: TestServer;
  let jd: JdMail;
  let runs = 0;
  beforeAll(async () => {
    ({ server } = await startWithAliceAndBob(await databases.fresh('sqlite')));
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  });
  afterAll(() => server?.destroy());

  /** A new user with three messages, signed in from an address of its own (the login guard counts per address). */
  async function session(): Promise<{ user: string; from: string; pop: RawPop3 }> {
    runs++;
    const user = `fuzz${runs}@example.com`;
    await jd.users.create({ address: user, password: 'fuzz-password' });
    const mx = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    for (let i = 1; i <= MESSAGES; i++)
      await mx.sendMail({
        envelope: { from: 'bob@example.org', to: [user] },
        raw: `Subject: m${i}\r\n\r\n.line ${i}\r\n`,
      });
    mx.close();
    const from = `127.0.${Math.floor(runs / 200) + 2}.${(runs % 200) + 1}`;
    const pop = await RawPop3.connect(server.pop3Port, { localAddress: from });
    await pop.line();
    expect(await pop.command(`USER ${user}`)).toMatch(/^\+OK/);
    expect(await pop.command('PASS fuzz-password')).toMatch(/^\+OK/);
    return { user, from, pop };
  }

  it('answers every command once, keeps multi-line bodies terminated, and QUIT deletes exactly what DELE marked', async () => {
    const seen = { ok: 0, err: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 3, maxLength: 20 }), async (commands) => {
        const { user, from, pop } = await session();
        const marked = new Set<number>();
        try {
          for (const line of commands) {
            const status = await pop.command(line);
            expect(status, line).toMatch(/^(\+OK|-ERR)( |$)/);
            if (status.startsWith('+OK')) seen.ok++;
            else seen.err++;
            if (status.startsWith('+OK') && multiLine(line)) await pop.multiLineBody();
            const [name, n] = line.split(' ');
            if (status.startsWith('+OK') && name?.toUpperCase() === 'DELE') marked.add(Number(n));
            if (status.startsWith('+OK') && name?.toUpperCase() === 'RSET') marked.clear();
            // Nothing else may follow an answer: a second line would be a desynchronized session.
            expect(pop.pending, `after ${line}`).toBe('');
          }
          expect(await pop.command('NOOP')).toMatch(/^\+OK/);
          expect(await pop.command('QUIT')).toMatch(/^\+OK/);
          await pop.closedByServer();
        } finally {
          pop.close();
        }
        const after = await RawPop3.connect(server.pop3Port, { localAddress: from });
        try {
          await after.line();
          await after.command(`USER ${user}`);
          await after.command('PASS fuzz-password');
          expect(await after.command('STAT')).toMatch(new RegExp(`^\\+OK ${MESSAGES - marked.size} `));
          await after.command('QUIT');
        } finally {
          after.close();
        }
      }),
      {
        numRuns: Number(process.env.FUZZ_RUNS ?? 25),
        seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31),
      },
    );
    expect(seen.ok).toBeGreaterThan(10);
    expect(seen.err).toBeGreaterThan(10);
  }, 240_000);
});
