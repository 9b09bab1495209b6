// Medians across rounds and the markdown table printed at the end of a run.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { median } from './util.mjs';

export const MODES = {
  persistent: { persistent: true, title: 'persistent (`-d`, 20 connections reused)' },
  'per-connection': { persistent: false, title: 'connection per message' },
};

const METRICS = [
  'acceptedPerSec',
  'deliveredPerSec',
  'cpuMsPerMsg',
  'peakRssMb',
  'peakPssMb',
  'otherCpuMsPerMsg',
];

/** Median of every metric over the successful rounds of each (mode, server). */
export function summarize(rounds, modes, servers) {
  const out = [];
  for (const mode of modes) {
    for (const server of servers) {
      const all = rounds.filter((r) => r.mode === mode && r.server === server);
      const ok = all.filter((r) => r.ok);
      const row = { mode, server, okRounds: ok.length, rounds: all.length };
      for (const m of METRICS) row[m] = median(ok.map((r) => r[m]));
      out.push(row);
    }
  }
  return out;
}

export function machineInfo() {
  const cpus = os.cpus();
  let postfix = 'unknown';
  try {
    postfix = execFileSync('postconf', ['-d', '-h', 'mail_version'], {
      encoding: 'utf8',
      timeout: 5000,
    }).trim();
  } catch {
    // postconf missing: reported as unknown
  }
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memGb: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postfix,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

const fmt = (x, digits = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '—';
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${fmt(a / b, 2)}×` : '—');

/**
 * jdmail's delivered rate ÷ Postfix's, round by round (the two ran in the same round, minutes
 * apart), in round order; a round where either failed is left out. The medians hide how far the
 * rounds of one run spread: this shows it.
 */
export function roundRatios(rounds, mode) {
  const of = (server, round) =>
    rounds.find((r) => r.mode === mode && r.server === server && r.round === round);
  const out = [];
  for (const round of [...new Set(rounds.map((r) => r.round))].sort((a, b) => a - b)) {
    const j = of('jdmail', round);
    const p = of('postfix', round);
    if (j?.ok && p?.ok && p.deliveredPerSec > 0) out.push(j.deliveredPerSec / p.deliveredPerSec);
  }
  return out;
}

/** The markdown block that goes under "Results" in bench/README.md. */
export function markdown({ summary, rounds = [], config, machine, startedAt, modes }) {
  const get = (mode, server) => summary.find((r) => r.mode === mode && r.server === server);
  const lines = [];
  lines.push(
    `Run ${startedAt} — ${machine.cpu}, ${machine.cores} cores, ${machine.memGb} GB, ${machine.kernel},`,
  );
  lines.push(
    `Node ${machine.node}, Postfix ${machine.postfix}. ${config.messages.toLocaleString('en-US')} messages`,
  );
  lines.push(
    `of ${config.size} B payload per round, ${config.sessions} sessions, ${config.rounds} interleaved rounds`,
  );
  lines.push('(medians over the successful rounds).');
  lines.push('');
  lines.push(
    '| case | server | accepted msg/s | delivered msg/s | CPU ms/msg | peak RSS MB | peak PSS MB | ok rounds | other CPU ms/msg |',
  );
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of summary) {
    lines.push(
      `| ${r.mode} | ${r.server} | ${fmt(r.acceptedPerSec)} | ${fmt(r.deliveredPerSec)} | ${fmt(r.cpuMsPerMsg, 3)} | ` +
        `${fmt(r.peakRssMb, 1)} | ${fmt(r.peakPssMb, 1)} | ${r.okRounds}/${r.rounds} | ${fmt(r.otherCpuMsPerMsg, 3)} |`,
    );
  }
  const servers = new Set(summary.map((r) => r.server));
  if (servers.has('jdmail') && (servers.has('postfix') || servers.has('sink'))) {
    lines.push('');
    lines.push(
      'Ratios (jdmail ÷ other; throughput: higher is better for jdmail, CPU and memory: lower is better):',
    );
    lines.push('');
    lines.push(
      '| case | delivered msg/s ÷ Postfix | each round | accepted msg/s ÷ Postfix | CPU/msg ÷ Postfix | PSS ÷ Postfix | accepted ÷ sink | accepted ÷ smtp-server alone | smtp-server alone ÷ Postfix | target ≥ 5× delivered |',
    );
    lines.push('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const mode of modes) {
      const j = get(mode, 'jdmail');
      const p = get(mode, 'postfix');
      const s = get(mode, 'sink');
      const bare = get(mode, 'smtp-server');
      if (!j) continue;
      const d = p ? j.deliveredPerSec / p.deliveredPerSec : Number.NaN;
      const each = roundRatios(rounds, mode);
      const met = each.filter((x) => x >= 5).length;
      const perRound = each.length > 0 ? each.map((x) => ratio(x, 1)).join(', ') : '—';
      // The target is on the medians; the count of rounds says how close to the line that is.
      const verdict = Number.isFinite(d)
        ? `${d >= 5 ? 'met' : 'NOT met'}${each.length > 0 ? ` (${met} of ${each.length} rounds ≥ 5×)` : ''}`
        : '—';
      lines.push(
        `| ${mode} | ${ratio(j.deliveredPerSec, p?.deliveredPerSec)} | ${perRound} | ${ratio(j.acceptedPerSec, p?.acceptedPerSec)} | ` +
          `${ratio(j.cpuMsPerMsg, p?.cpuMsPerMsg)} | ${ratio(j.peakPssMb, p?.peakPssMb)} | ` +
          `${ratio(j.acceptedPerSec, s?.acceptedPerSec)} | ${ratio(j.acceptedPerSec, bare?.acceptedPerSec)} | ` +
          `${ratio(bare?.deliveredPerSec, p?.deliveredPerSec)} | ${verdict} |`,
      );
    }
  }
  return lines.join('\n');
}
