import { join } from 'node:path';
import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { type ComplianceReport, makeMbox, runCompliance } from './harness/imaptest.js';
import { runStress } from './harness/imaptest-stress.js';
import type { TestServer } from './harness/server.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';
import { tempDirs } from './harness/tmp.js';

// Dovecot's imaptest — a conformance suite nobody here wrote — against the built server on both
// engines: every scripted compliance group must pass (test/dovecot-imaptest.test.ts proves the
// harness reports truly against Dovecot itself), a subset again over implicit TLS, and a short
// stress run (10 clients, every reply checked against the mailbox state imaptest tracks) must
// report no error. The full stress benchmark is bench/imap.
const databases = useDatabases();
const dirs = tempDirs();
afterAll(() => dirs.removeAll());
const ALICE = { user: 'alice@example.com', password: 'alice-password' };

/**
 * Groups skipped because their header requires a capability jdmail deliberately does not
 * advertise: CATENATE and URLAUTH (RFC 4469, RFC 4467: no client of the list uses them),
 * MULTIAPPEND (our APPEND of several messages keeps the ones stored before an error, and RFC 3502
 * wants all or none), ESORT, CONTEXT=SEARCH/SORT and NOTIFY (RFC 5267, RFC 5465). A group newly
 * skipped — a capability lost — fails the test.
 */
const SKIPPED = [
  'catenate',
  'catenate-multiappend',
  'esort',
  'multiappend',
  'notify',
  'search-context-update',
  'search-context-update2',
  'search-context-update3',
  'search-partial',
  'sort-partial',
  'urlauth',
  'urlauth-binary',
  'urlauth2',
];

/** The failed groups with imaptest's expected and best-matching replies, for the assertion message. */
function failures(r: ComplianceReport): string {
  return `${r.output}\n${JSON.stringify(r.totals)}`;
}

describe.each(databases.engines)('imaptest against jdmail on %s', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    ({ server } = await startWithAliceAndBob(await databases.fresh(engine)));
  });
  afterAll(() => server?.destroy());

  it('passes every compliance group; the only skips are capabilities not offered', async () => {
    const r = await runCompliance({ port: server.imapPort, ...ALICE });
    const failed = Object.entries(r.groups)
      .filter(([, g]) => g.status === 'fail')
      .map(([name]) => name);
    expect(failed, failures(r)).toEqual([]);
    expect(r.totals, failures(r)).toMatchObject({ groups: 71, failed: 0, base_failed: 0, ext_failed: 0 });
    expect(r.totals.skipped_groups, failures(r)).toEqual(SKIPPED);
    expect(r.totals.passed).toBe(71 - SKIPPED.length);
    // Every base-protocol command ran (the same 457 Dovecot runs), and the extension groups did too.
    expect(r.totals.base_commands).toBe(457);
    expect(r.totals.ext_commands).toBeGreaterThan(200);
    for (const g of ['fetch-body', 'append-binary', 'esearch-condstore', 'sort-display-to', 'thread'])
      expect(r.groups[g], g).toMatchObject({ status: 'pass', failed: 0 });
  }, 600_000);

  it('passes a subset over implicit TLS', async () => {
    const only = ['append', 'fetch-body', 'move', 'search-addresses', 'store', 'uidplus'];
    const r = await runCompliance({ port: server.imapsPort, ssl: true, only, ...ALICE });
    expect(Object.keys(r.groups).sort(), failures(r)).toEqual(only);
    expect(r.totals, failures(r)).toMatchObject({ passed: only.length, failed: 0, skipped: 0 });
  }, 300_000);

  it('survives a short stress run with no error: 10 clients, every reply checked', async () => {
    // Ten users, as imaptest's `users=` spreads its clients: ten clients signing in to one account
    // at once from one address meet the login guard's in-flight budget (limits/login-guard.ts).
    const jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    for (let i = 1; i <= 10; i++)
      await jd.users.create({ address: `stress${i}@example.com`, password: 'stress-password' });
    const mbox = join(await dirs.make('jdmail-imaptest-mbox-'), 'stress.mbox');
    await makeMbox(mbox, { count: 40, minKb: 1, maxKb: 8, seed: 19 });
    const r = await runStress({
      port: server.imapPort,
      user: 'stress%d@example.com',
      password: 'stress-password',
      extra: ['users=10'],
      mbox,
      clients: 10,
      secs: 5,
      seed: 19,
      msgs: 40,
    });
    const report = `${r.errors.join('\n')}\n${r.output.slice(-3000)}`;
    expect(r.errors, report).toEqual([]);
    expect(r.output, report).not.toMatch(/BAD|protocol error|disconnected/i);
    // Commands were done (how many depends on the machine's load; imaptest's mix is random).
    expect(r.commands, report).toBeGreaterThan(50);
    for (const state of ['Logi', 'Sele', 'Fetc', 'Logo']) expect(r.totals[state], state).toBeGreaterThan(0);
  }, 300_000);
});
