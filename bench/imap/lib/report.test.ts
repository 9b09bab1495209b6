import { describe, expect, it } from 'vitest';
import { markdown, median, percentile, type ReportInput, type Round, roundRatios } from './report.js';

const stress = (round: number, server: string, commandsPerSec: number, imaptestErrors = 0): Round => ({
  phase: 'stress',
  case: 'default',
  server,
  round,
  sec: 30,
  ok: imaptestErrors === 0,
  errors: [],
  commands: commandsPerSec * 30,
  commandsPerSec,
  imaptestErrors,
  cpuMsPerCmd: 1,
  peakPssMb: 50,
  peakRssMb: 100,
  loginMs: 2,
});

const config: ReportInput['config'] = {
  users: 4,
  messages: 2000,
  minKb: 5,
  maxKb: 20,
  clients: 50,
  secs: 30,
  idleSessions: 20_000,
  latencySessions: 1000,
  deliveries: 200,
  rounds: 3,
  dovecotPasswordScheme: 'SHA512-CRYPT',
  phases: ['stress', 'idle', 'latency'],
  stressCases: ['default'],
};

const report = (rounds: Round[]) =>
  markdown({
    startedAt: 'now',
    machine: { cpu: 'test', cores: 2, memGb: 1, kernel: 'k', node: 'v20', loadavg: [0, 0, 0] },
    config,
    servers: {
      dovecot: { label: 'Dovecot 2.3', load: { messages: 8000, bytes: 1, ms: 1 } },
      jdmail: { label: 'jdmail 0.1', load: { messages: 8000, bytes: 1, ms: 1 } },
    },
    rounds,
  });

const idle = (server: string, held: number, kbPerSessionPss: number): Round => ({
  phase: 'idle',
  server,
  round: 0,
  sec: 60,
  ok: held === 20_000,
  errors: [],
  asked: 20_000,
  held,
  failed: 20_000 - held,
  kbPerSessionPss,
});

const latency = (server: string, samples: number[]): Round => ({
  phase: 'latency',
  server,
  round: 0,
  sec: 10,
  ok: true,
  errors: [],
  held: 1000,
  deliveries: samples.length,
  samples,
  first: samples,
  missed: 0,
});

describe('median and percentile', () => {
  it('take the middle and the nearest rank, ignoring what is not a number', () => {
    expect(median([3, 1, Number.NaN, 2, undefined])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([], 99)).toBeNaN();
  });
});

describe('roundRatios', () => {
  it('divides jdmail by Dovecot within each round where both succeeded', () => {
    const rounds = [
      stress(0, 'jdmail', 3000),
      stress(0, 'dovecot', 1000),
      stress(1, 'jdmail', 2000),
      stress(1, 'dovecot', 1000, 4),
    ];
    expect(roundRatios(rounds, 'stress', 'commandsPerSec', 'default')).toEqual([3]);
  });
});

describe('markdown targets', () => {
  it('calls the stress target met at 3× with no errors, and each other target on its own number', () => {
    const md = report([
      stress(0, 'jdmail', 3300),
      stress(0, 'dovecot', 1000),
      stress(1, 'jdmail', 2700),
      stress(1, 'dovecot', 900),
      idle('jdmail', 20_000, 12.5),
      idle('dovecot', 1024, 800),
      latency('jdmail', [5, 8, 12]),
      latency('dovecot', [510, 520, 530]),
    ]);
    // Medians 3,000 ÷ 950 = 3.16×; rounds 3.30× and 3.00×.
    expect(md).toMatch(
      /^\| imaptest default: commands\/s \| 3\.16× \| 3\.30×, 3\.00× \| ≥ 3× with 0 errors \| met \|$/m,
    );
    expect(md).toMatch(
      /^\| IDLE: KB per session \(PSS\) \| 0\.02× \| jdmail held 20,000 at 12\.5 KB each \| .* \| met \|$/m,
    );
    expect(md).toMatch(/^\| new mail → IDLE, p99 ms \| .* \| jdmail 12\.0 ms \| < 100 ms \| met \|$/m);
    expect(md).toMatch(/^\| dovecot \| 20,000 \| 1,024 \| 18,976 \|/m);
  });

  it('says NOT met when jdmail had imaptest errors, held fewer sessions, or was slow', () => {
    const md = report([
      stress(0, 'jdmail', 5000, 2),
      stress(0, 'dovecot', 1000),
      idle('jdmail', 19_000, 10),
      idle('dovecot', 1024, 800),
      latency('jdmail', [50, 150]),
      latency('dovecot', [500, 500]),
    ]);
    expect(md).toMatch(/^\| imaptest default: commands\/s \| .* \| NOT met \|$/m);
    expect(md).toMatch(/^\| IDLE: KB per session \(PSS\) \| .* \| NOT met \|$/m);
    expect(md).toMatch(/^\| new mail → IDLE, p99 ms \| .* \| jdmail 150\.0 ms \| < 100 ms \| NOT met \|$/m);
  });
});
