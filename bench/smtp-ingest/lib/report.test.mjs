import { describe, expect, it } from 'vitest';
import { markdown, roundRatios, summarize } from './report.mjs';

/** One measured round of one server, as run.mjs records it (only the fields the report reads). */
const round = (r, server, mode, deliveredPerSec, ok = true) => ({
  round: r,
  server,
  mode,
  ok,
  acceptedPerSec: deliveredPerSec,
  deliveredPerSec,
  cpuMsPerMsg: 1,
  peakRssMb: 100,
  peakPssMb: 50,
  otherCpuMsPerMsg: 0.1,
});

const machine = { cpu: 'test', cores: 2, memGb: 1, kernel: 'k', node: 'v20', postfix: '3.7' };
const config = { messages: 100, size: 10240, sessions: 20, rounds: 3 };

/** The report of a run of jdmail against Postfix, persistent case only. */
function report(rounds) {
  const modes = ['persistent'];
  const summary = summarize(rounds, modes, ['postfix', 'jdmail']);
  return markdown({ summary, rounds, config, machine, startedAt: 'now', modes });
}

describe('roundRatios', () => {
  it('divides jdmail by Postfix within each round, in round order, skipping failed rounds', () => {
    const rounds = [
      round(2, 'postfix', 'persistent', 400),
      round(0, 'jdmail', 'persistent', 2000),
      round(0, 'postfix', 'persistent', 500),
      round(1, 'jdmail', 'persistent', 1800),
      round(1, 'postfix', 'persistent', 300, false),
      round(2, 'jdmail', 'persistent', 2200),
      round(0, 'jdmail', 'per-connection', 999),
    ];
    expect(roundRatios(rounds, 'persistent')).toEqual([4, 5.5]);
    expect(roundRatios(rounds, 'per-connection')).toEqual([]);
  });
});

describe('markdown', () => {
  it('shows each round beside the median ratio and counts the rounds at 5× or more', () => {
    const rounds = [
      round(0, 'jdmail', 'persistent', 2000),
      round(0, 'postfix', 'persistent', 500),
      round(1, 'jdmail', 'persistent', 2100),
      round(1, 'postfix', 'persistent', 400),
      round(2, 'jdmail', 'persistent', 1900),
      round(2, 'postfix', 'persistent', 380),
    ];
    const md = report(rounds);
    // Medians: 2,000 ÷ 400 = 5.00×; the rounds: 4.00×, 5.25×, 5.00×.
    expect(md).toContain('| persistent | 5.00× | 4.00×, 5.25×, 5.00× |');
    expect(md).toMatch(/\| met \(2 of 3 rounds ≥ 5×\) \|$/m);
  });

  it('says NOT met when the median ratio is under 5×, even if one round reaches it', () => {
    const rounds = [
      round(0, 'jdmail', 'persistent', 1500),
      round(0, 'postfix', 'persistent', 500),
      round(1, 'jdmail', 'persistent', 2000),
      round(1, 'postfix', 'persistent', 400),
    ];
    const md = report(rounds);
    expect(md).toMatch(/\| NOT met \(1 of 2 rounds ≥ 5×\) \|$/m);
  });
});
