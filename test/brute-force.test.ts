import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logUntil, startServer, type TestServer } from './harness/server.js';
import {
  apiSignIn,
  httpSignIn,
  type SignInAnswer,
  signInPatiently,
  smtpSignIn,
  webSignIn,
} from './harness/sign-in.js';

// Parallel password guessing against the real server, over every path the
// login guard covers (README "Failed sign-ins"): what matters is how many
// guesses the server actually checked — counted from its "… failed" log
// lines — and that the real user, and a valid API key, still get in.

/** The documented budgets (README "Failed sign-ins"). */
const PAIR_FREE = 5; // per (account, address)
const ADDRESS_FREE = 30; // per address, all accounts
const LANE_FREE = 10; // per account, in each of its two lanes
const LANE_MAX_WAIT_S = 30; // the longest a user signing in from a new address can be held up
const SECRET_FREE = 20; // wrong keys/tokens per address

/**
 * The most checks a bucket that lets `free` through and then waits 1 s,
 * 2 s, 4 s … can allow in a burst that lasted `ms`: its free attempts, one
 * more that starts the first wait, and one more per wait that has ended.
 */
const burstBudget = (free: number, ms: number) => free + 1 + Math.floor(Math.log2(ms / 1000 + 1));

const SMTP_FAILED = 'smtp authentication failed';
const API_FAILED = 'api authentication failed';
const WEB_FAILED = 'web sign-in failed';

const PASSWORDS: Record<string, string> = {};

describe('brute force, in parallel, against the real server', () => {
  let server: TestServer;
  let jd: JdMail;
  let sentinels = 0;

  beforeAll(async () => {
    // 127.0.0.1 is exempt from smtp.maxConnectionsPerIp (as a NAT gateway of many users would be),
    // which would refuse most of a 120-connection burst before AUTH: the login guard alone must hold.
    server = await startServer({ env: { JDMAIL_SMTP_LIMITS_EXEMPT: '127.0.0.1' } });
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    await jd.domains.create('example.com');
    for (const name of ['carol', 'dave', 'erin', 'frank', 'grace']) {
      PASSWORDS[name] = `${name}-password-1`;
      await jd.users.create({ address: `${name}@example.com`, password: PASSWORDS[name] });
    }
  });
  afterAll(() => server?.destroy());

  /**
   * Log lines for `address` with one of `messages`, so far. A sentinel failure
   * is logged after them (from an address of its own); once it shows, every
   * earlier line has.
   */
  async function checked(address: string, ...messages: string[]): Promise<number> {
    const sentinel = `sentinel-${++sentinels}@example.com`;
    await apiSignIn(server, sentinel, 'x', '127.0.0.99');
    const log = await logUntil(server, new RegExp(`"address":"${sentinel}"`), 10_000);
    return log
      .split('\n')
      .filter((l) => l.includes(`"address":"${address}"`) && messages.some((m) => l.includes(`"msg":"${m}"`)))
      .length;
  }

  /** Runs the attempts all at once; resolves their answers and how long the burst took. */
  async function burst(n: number, attempt: (i: number) => Promise<SignInAnswer>) {
    const start = Date.now();
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => attempt(i)));
    return {
      answers,
      ms: Date.now() - start,
      count: (code: number) => answers.filter((a) => a.code === code).length,
    };
  }

  it('SMTP AUTH: 120 connections guessing one account get the pair’s budget checked; the rest 454 4.7.0 at once', async () => {
    const b = await burst(120, (i) => smtpSignIn(server, 'carol@example.com', `guess-${i}`, '127.0.0.1'));
    expect(b.count(535) + b.count(454)).toBe(120);
    const refused = b.answers.filter((a) => a.code === 454);
    for (const a of refused)
      expect(a.text).toMatch(/^454 4\.7\.0 Too many failed logins; try again in \d+ seconds?$/);
    // 535 is answered only after a check; the server's log says the same.
    const n = b.count(535);
    expect(n).toBeGreaterThanOrEqual(PAIR_FREE + 1);
    expect(n).toBeLessThanOrEqual(burstBudget(PAIR_FREE, b.ms));
    expect(await checked('carol@example.com', SMTP_FAILED)).toBe(n);

    // Guessing on until the wait is a few seconds: a refused attempt is answered at once, not
    // after a sleep that holds the connection — and the right password is refused the same way.
    for (let i = 0; i < 6; i++) {
      const a = await smtpSignIn(server, 'carol@example.com', `more-${i}`, '127.0.0.1');
      if (a.code === 454 && (a.retryAfter ?? 0) >= 4) break;
      if (a.code === 454) await new Promise((r) => setTimeout(r, (a.retryAfter ?? 0) * 1000 + 100));
    }
    const start = Date.now();
    const right = await smtpSignIn(server, 'carol@example.com', PASSWORDS.carol as string, '127.0.0.1');
    expect(right.code).toBe(454);
    expect(Date.now() - start).toBeLessThan(3000);
    // Carol, from her own machine, signs in (at most the documented wait; here at once).
    const carol = await signInPatiently(
      () => smtpSignIn(server, 'carol@example.com', PASSWORDS.carol as string, '127.0.0.2'),
      LANE_MAX_WAIT_S,
    );
    expect(carol.answer).toMatchObject({ ok: true });
  });

  it('API Basic: 100 parallel guesses from one address get the pair’s budget checked; the rest 429 + Retry-After', async () => {
    const b = await burst(100, (i) => apiSignIn(server, 'dave@example.com', `guess-${i}`, '127.0.0.5'));
    expect(b.count(401) + b.count(429)).toBe(100);
    for (const a of b.answers.filter((x) => x.code === 429)) expect(a.retryAfter).toBeGreaterThan(0);
    const n = b.count(401);
    expect(n).toBeLessThanOrEqual(burstBudget(PAIR_FREE, b.ms));
    expect(await checked('dave@example.com', API_FAILED)).toBe(n);
    const dave = await signInPatiently(
      () => apiSignIn(server, 'dave@example.com', PASSWORDS.dave as string, '127.0.0.6'),
      LANE_MAX_WAIT_S,
    );
    expect(dave.answer).toMatchObject({ ok: true });
  });

  it('API Basic: 200 parallel guesses from 11 addresses get the account’s budget checked, not 11 pairs’', async () => {
    const ips = Array.from({ length: 11 }, (_, i) => `127.0.0.${10 + i}`);
    const b = await burst(200, (i) =>
      apiSignIn(server, 'erin@example.com', `guess-${i}`, ips[i % 11] as string),
    );
    expect(b.count(401) + b.count(429)).toBe(200);
    const n = b.count(401);
    // Both lanes of the account together; 11 pairs would have let 66 through.
    expect(n).toBeLessThanOrEqual(2 * burstBudget(LANE_FREE, b.ms));
    expect(await checked('erin@example.com', API_FAILED)).toBe(n);
    // Erin, from an address that has not been guessing, gets in within the documented wait.
    const erin = await signInPatiently(
      () => apiSignIn(server, 'erin@example.com', PASSWORDS.erin as string, '127.0.0.21'),
      LANE_MAX_WAIT_S,
    );
    expect(erin.answer).toMatchObject({ ok: true });
    expect(erin.waited).toBeLessThanOrEqual(LANE_MAX_WAIT_S);
  });

  it('a shared address’s integrations keep working: bad passwords or bad keys never hold up a valid key', async () => {
    const from = '127.0.0.30';
    const key = server.adminKey ?? '';
    const withKey = () =>
      httpSignIn(server, from, '/api/v1/domains', { headers: { authorization: `Bearer ${key}` } });
    // A password spray over many accounts fills the address's budget; guessing on until its wait
    // is a few seconds long …
    const spray = await burst(2 * ADDRESS_FREE, (i) =>
      apiSignIn(server, `nobody${i}@example.com`, 'Summer2024!', from),
    );
    expect(spray.count(401)).toBeLessThanOrEqual(burstBudget(ADDRESS_FREE, spray.ms));
    for (let i = 0; i < 6; i++) {
      const a = await apiSignIn(server, `more${i}@example.com`, 'Summer2024!', from);
      if (a.code === 429 && (a.retryAfter ?? 0) >= 4) break;
      if (a.code === 429) await new Promise((r) => setTimeout(r, (a.retryAfter ?? 0) * 1000 + 100));
    }
    // … a password from that address now waits, even a right one, while the key works.
    const [password, keyed] = await Promise.all([
      apiSignIn(server, 'frank@example.com', PASSWORDS.frank as string, from),
      withKey(),
    ]);
    expect(password.code).toBe(429);
    expect(keyed.code).toBe(200);
    // Wrong keys have a budget of their own: past it a wrong one is 429, the valid one still 200.
    const bad = await burst(2 * SECRET_FREE, (i) =>
      httpSignIn(server, from, '/api/v1/domains', { headers: { authorization: `Bearer jdk_guess${i}` } }),
    );
    expect(bad.count(401)).toBeGreaterThanOrEqual(SECRET_FREE);
    expect(bad.count(429)).toBeGreaterThan(0);
    expect((await withKey()).code).toBe(200);
  });

  it('failures on SMTP count for the webmail: one budget for the pair, and the right password then works', async () => {
    const from = '127.0.0.40';
    const start = Date.now();
    const smtp = await burst(20, (i) => smtpSignIn(server, 'frank@example.com', `guess-${i}`, from));
    const web = await burst(20, (i) => webSignIn(server, 'frank@example.com', `guess-${i}`, from));
    const n = smtp.count(535) + web.count(401);
    // Two guards would have checked PAIR_FREE + 1 on each path.
    expect(n).toBeLessThanOrEqual(burstBudget(PAIR_FREE, Date.now() - start));
    expect(await checked('frank@example.com', SMTP_FAILED, WEB_FAILED)).toBe(n);
    expect(web.count(429)).toBeGreaterThan(0);
    const frank = await signInPatiently(
      () => webSignIn(server, 'frank@example.com', PASSWORDS.frank as string, from),
      LANE_MAX_WAIT_S,
    );
    expect(frank.answer).toMatchObject({ ok: true });
  });

  it('failures on the webmail count for SMTP AUTH and API Basic too', async () => {
    const from = '127.0.0.41';
    const start = Date.now();
    const web = await burst(20, (i) => webSignIn(server, 'grace@example.com', `guess-${i}`, from));
    const smtp = await burst(20, (i) => smtpSignIn(server, 'grace@example.com', `guess-${i}`, from));
    const api = await burst(20, (i) => apiSignIn(server, 'grace@example.com', `guess-${i}`, from));
    expect(smtp.count(454)).toBeGreaterThan(0);
    expect(api.count(429)).toBeGreaterThan(0);
    const n = web.count(401) + smtp.count(535) + api.count(401);
    expect(n).toBeLessThanOrEqual(burstBudget(PAIR_FREE, Date.now() - start));
    expect(await checked('grace@example.com', WEB_FAILED, SMTP_FAILED, API_FAILED)).toBe(n);
    const grace = await signInPatiently(
      () => smtpSignIn(server, 'grace@example.com', PASSWORDS.grace as string, from),
      LANE_MAX_WAIT_S,
    );
    expect(grace.answer).toMatchObject({ ok: true });
  });
});
