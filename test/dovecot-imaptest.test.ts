import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dovecot, startDovecot } from './harness/dovecot.js';
import { buildImaptest, imaptestTestsDir, runCompliance } from './harness/imaptest.js';
import { tempDirs } from './harness/tmp.js';

// The imaptest harness proven on the server imaptest was written against: Dovecot 2.3 must give
// the reference result of test/tools/imaptest/README.md (67 groups pass, 4 skipped for missing
// capabilities, 0 failed commands). jdmail's compliance test runs the same harness.
describe('imaptest compliance harness against Dovecot', () => {
  const dirs = tempDirs();
  let dovecot: Dovecot;
  const login = () => ({ port: dovecot.imapPort, user: 'ana@example.test', password: 'secret-ana' });
  beforeAll(async () => {
    dovecot = await startDovecot({ users: [{ name: 'ana@example.test', password: 'secret-ana' }] });
  });
  afterAll(async () => {
    await dovecot?.stop();
    await dirs.removeAll();
  });

  it('reports every group: 67 pass, 4 skipped (CONTEXT=SORT, URLAUTH), none failed', async () => {
    const r = await runCompliance(login());
    const failed = Object.entries(r.groups).filter(([, g]) => g.status === 'fail');
    expect(failed, `${r.output}\n${await dovecot.logTail()}`).toEqual([]);
    expect(r.totals).toMatchObject({ groups: 71, passed: 67, failed: 0, skipped: 4 });
    expect(r.totals.skipped_groups).toEqual(['sort-partial', 'urlauth', 'urlauth-binary', 'urlauth2']);
    expect(r.groups['sort-partial']?.detail).toEqual(['missing CONTEXT=SORT']);
    expect(r.totals.base_commands).toBe(457);
    expect(r.totals.ext_commands).toBe(330);
    expect(r.groups['fetch-body']).toMatchObject({ status: 'pass', failed: 0, kind: 'base' });
    expect(r.groups.move).toMatchObject({ status: 'pass', requires: ['MOVE'], kind: 'ext' });
    expect(r.capabilities).toContain('QUOTA');
  });

  it('runs chosen groups over implicit TLS', async () => {
    const r = await runCompliance({
      port: dovecot.imapsPort ?? 0,
      ssl: true,
      user: 'ana@example.test',
      password: 'secret-ana',
      only: ['fetch-body', 'append'],
    });
    expect(Object.keys(r.groups).sort()).toEqual(['append', 'fetch-body']);
    expect(r.totals).toMatchObject({ passed: 2, failed: 0 });
  });

  it('reports a group as failed, with the expected reply, when the server answers otherwise', async () => {
    // imaptest's own `select` group with one expectation changed (2 messages → 3): Dovecot is
    // right, so the harness must call the group failed and say where.
    const binary = await buildImaptest();
    const suite = imaptestTestsDir(binary);
    const tests = await dirs.make('jdmail-imaptest-broken-');
    const script = await readFile(join(suite, 'select'), 'utf8');
    expect(script).toContain('* 2 exists');
    await writeFile(join(tests, 'select'), script.replace('* 2 exists', '* 3 exists'));
    await copyFile(join(suite, 'select.mbox'), join(tests, 'select.mbox'));
    await copyFile(join(suite, 'default.mbox'), join(tests, 'default.mbox'));
    const r = await runCompliance({ ...login(), testsDir: tests });
    expect(r.groups.select).toMatchObject({ status: 'fail', kind: 'base' });
    expect(r.groups.select?.failed).toBeGreaterThan(0);
    expect(r.groups.select?.detail.join('\n')).toMatch(/\*\*\* Test select command/);
    expect(r.totals).toMatchObject({ groups: 1, passed: 0, failed: 1 });
  });

  it('rejects when it cannot log in to read the capabilities, instead of reporting nothing as a pass', async () => {
    await expect(runCompliance({ ...login(), password: 'wrong-password' })).rejects.toThrow(/cannot LOGIN/);
  });
});
