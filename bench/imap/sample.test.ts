import { describe, expect, it } from 'vitest';
import { runBenchmark } from './lib/bench.js';
import { machineInfo, markdown, type Round } from './lib/report.js';

// The IMAP benchmark end to end on a tiny sample, against Dovecot only (jdmail's IMAP and POP3
// listeners are measured by the full run): every phase runs and measures what it says.
describe('IMAP benchmark, a tiny sample against Dovecot', () => {
  it('loads, stresses, downloads, holds IDLE sessions and times new mail, and reports it', async () => {
    const lines: string[] = [];
    const config = {
      servers: ['dovecot' as const],
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
      jdmailCli: '',
      jdmailEnv: {},
      dovecotPasswordScheme: 'SHA512-CRYPT',
      log: (l: string) => lines.push(l),
    };
    const run = await runBenchmark(config);
    const of = (phase: Round['phase'], kase?: Round['case']) =>
      run.rounds.filter((r) => r.phase === phase && r.case === kase);
    const failed = run.rounds.filter((r) => !r.ok);
    expect(failed, lines.join('\n')).toEqual([]);

    const load = run.servers.dovecot?.load;
    expect(load?.messages).toBe(60);
    for (const kase of ['default', 'no-logout'] as const) {
      const [s] = of('stress', kase);
      expect(s?.imaptestErrors).toBe(0);
      expect(s?.commands).toBeGreaterThan(0);
      expect(s?.cpuMsPerCmd).toBeGreaterThan(0);
      expect(s?.peakPssMb).toBeGreaterThan(0);
    }
    // POP3 gives back exactly the bytes loaded into the (untouched) second user's maildrop.
    const [pop3] = of('pop3');
    expect(pop3?.messages).toBe(30);
    expect(Math.round((pop3?.mb ?? 0) * 1e6)).toBe((load?.bytes ?? 0) / 2);
    const [idle] = of('idle');
    expect(idle).toMatchObject({ asked: 20, held: 20, failed: 0 });
    expect(idle?.procs).toBeGreaterThan(20); // one imap process per session, and Dovecot's own
    expect(idle?.kbPerSessionPss).toBeGreaterThan(0);
    // Six deliveries alternate between the two users, each waking that user's five sessions.
    const [latency] = of('latency');
    expect(latency).toMatchObject({ deliveries: 6, missed: 0, held: 10 });
    expect(latency?.samples).toHaveLength(30);
    expect(latency?.first).toHaveLength(6);
    expect(Math.min(...(latency?.samples ?? [0]))).toBeGreaterThan(0);

    const md = markdown({ ...run, machine: machineInfo(), config });
    expect(md).toMatch(/^\| default \| dovecot \| [\d,]+ \| 0 \|/m);
    expect(md).toMatch(/^\| dovecot \| 20 \| 20 \| 0 \|/m);
    expect(md).not.toContain('Targets'); // only with both servers
  }, 180_000);
});
