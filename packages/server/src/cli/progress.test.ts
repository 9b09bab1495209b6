import { describe, expect, it } from 'vitest';
import { createProgressPrinter } from './progress.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, columns: 80, writes, write: (t: string) => writes.push(t) };
}

const run = (p: ReturnType<typeof createProgressPrinter>) => {
  p.update({ phase: 'reading', done: 500, total: null });
  p.update({ phase: 'reading', done: 1500, total: null });
  p.update({ phase: 'planning', done: 0, total: null });
  for (let done = 0; done <= 1000; done += 50) p.update({ phase: 'applying', done, total: 1000 });
  p.finish();
};

describe('sync progress', () => {
  it('redraws one line with a bar on a terminal', () => {
    let t = 0;
    const s = stream(true);
    run(createProgressPrinter('ldap sync corp', s, () => (t += 40)));
    expect(s.writes.every((w) => w.startsWith('\r\x1b[2K'))).toBe(true);
    expect(s.writes).toContain('\r\x1b[2Kldap sync corp: reading the directory 500 entries');
    expect(s.writes).toContain(
      `\r\x1b[2Kldap sync corp: applying changes [${'#'.repeat(20)}] 100% 1000/1000`,
    );
    expect(s.writes).toContain(
      `\r\x1b[2Kldap sync corp: applying changes [${'#'.repeat(6)}${'-'.repeat(14)}]  30% 300/1000`,
    );
    // Throttled: fewer draws than updates; and the line is cleared at the end.
    expect(s.writes.length).toBeLessThan(25);
    expect(s.writes.at(-1)).toBe('\r\x1b[2K');
    expect(s.writes.join('')).not.toContain('\n');
  });

  it('cuts lines to the terminal width, and does not cut on a terminal of unknown width (0)', () => {
    const narrow = { ...stream(true), columns: 30 };
    createProgressPrinter('ldap sync corp', narrow).update({ phase: 'planning', done: 0, total: null });
    expect(narrow.writes).toEqual(['\r\x1b[2Kldap sync corp: planning chan']);
    const unknown = { ...stream(true), columns: 0 };
    createProgressPrinter('ldap sync corp', unknown).update({ phase: 'planning', done: 0, total: null });
    expect(unknown.writes).toEqual(['\r\x1b[2Kldap sync corp: planning changes']);
  });

  it('writes plain lines elsewhere: each phase, then every tenth applied', () => {
    const s = stream(false);
    run(createProgressPrinter('ldap sync corp', s));
    expect(s.writes).toEqual([
      'ldap sync corp: reading the directory\n',
      'ldap sync corp: read 1500 entries\n',
      'ldap sync corp: planning changes\n',
      'ldap sync corp: applying changes (1000)\n',
      ...[100, 200, 300, 400, 500, 600, 700, 800, 900, 1000].map(
        (n) => `ldap sync corp: applied ${n}/1000\n`,
      ),
    ]);
  });
});
