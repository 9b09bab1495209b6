import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBenchmark } from './lib/bench.js';
import { machineInfo, markdown, type Round } from './lib/report.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// The IMAP benchmark end to end on a tiny sample, against Dovecot and jdmail (its built CLI, as
// the e2e tests use): every phase runs on both and measures what it says.
describe('IMAP benchmark, a tiny sample against Dovecot and jdmail', () => {
  it('loads, stresses, downloads, holds IDLE sessions and times new mail, and reports it', async () => {
    const lines: string[] = [];
    const config = {
      servers: ['dovecot' as const, 'jdmail' as const],
      phases: ['stress' as const, 'pop3' as const, 'idle' as const, 'latency' as const],
      stressCases: ['default' as const, 'no-logout' as const],
      rounds: 1,
      users: 2,
      messages: 30,
      minKb: 5,
      maxKb: 20,
      seed: 7,
      clients: 5,
      secs: 2,
      idleSessions: 20,
      idleDeadlineSec: 60,
      sessionsPerProcess: 1000,
      latencySessions: 10,
      deliveries: 6,
      jdmailCli: join(REPO, 'packages/server/dist/cli/main.js'),
      jdmailEnv: {},
      // A cheap password hash: jdmail's own (scrypt 2^15) makes each LOGIN cost ~0.1 s of CPU.
      jdmailScryptLn: 10,
      dovecotPasswordScheme: 'SHA512-CRYPT',
      log: (l: string) => lines.push(l),
    };
    const run = await runBenchmark(config);
    const of = (server: string, phase: Round['phase'], kase?: Round['case']) =>
      run.rounds.filter((r) => r.server === server && r.phase === phase && r.case === kase);
    const failed = run.rounds.filter((r) => !r.ok);
    expect(failed, lines.join('\n')).toEqual([]);

    for (const server of ['dovecot', 'jdmail']) {
      const load = run.servers[server]?.load;
      expect(load?.messages).toBe(60);
      for (const kase of ['default', 'no-logout'] as const) {
        const [s] = of(server, 'stress', kase);
        expect(s?.imaptestErrors).toBe(0);
        expect(s?.commands).toBeGreaterThan(0);
        expect(s?.cpuMsPerCmd).toBeGreaterThan(0);
        expect(s?.peakPssMb).toBeGreaterThan(0);
      }
      // POP3 gives back exactly the bytes loaded into the (untouched) second user's maildrop.
      const [pop3] = of(server, 'pop3');
      expect(pop3?.messages).toBe(30);
      expect(Math.round((pop3?.mb ?? 0) * 1e6)).toBe((load?.bytes ?? 0) / 2);
      const [idle] = of(server, 'idle');
      expect(idle).toMatchObject({ asked: 20, held: 20, failed: 0 });
      // One imap process per session and Dovecot's own; jdmail is one process.
      if (server === 'dovecot') expect(idle?.procs).toBeGreaterThan(20);
      else expect(idle?.procs).toBe(1);
      // Six deliveries alternate between the two users, each waking that user's five sessions.
      const [latency] = of(server, 'latency');
      expect(latency).toMatchObject({ deliveries: 6, missed: 0, held: 10 });
      expect(latency?.samples).toHaveLength(30);
      expect(latency?.first).toHaveLength(6);
      expect(Math.min(...(latency?.samples ?? [0]))).toBeGreaterThan(0);
    }

    const md = markdown({ ...run, machine: machineInfo(), config });
    for (const server of ['dovecot', 'jdmail']) {
      expect(md).toMatch(new RegExp(`^\\| default \\| ${server} \\| [\\d,]+ \\| 0 \\|`, 'm'));
      expect(md).toMatch(new RegExp(`^\\| ${server} \\| 20 \\| 20 \\| 0 \\|`, 'm'));
    }
    expect(md).toContain('Targets'); // with both servers
    expect(md).toContain("jdmail's scrypt ln=10");
  }, 240_000);
});
