// The outbound benchmark's summary: medians per server over the rounds, the ratios the issue asks
// for (jdmail ≥ 3× Postfix's delivered msg/s, lower CPU per message), and the claim times.
import { median } from '../../smtp-ingest/lib/util.mjs';

const f = (n, d = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d }) : '—';

/** Medians per server over its rounds. */
export function summarize(rounds) {
  const out = {};
  for (const name of [...new Set(rounds.map((r) => r.server))]) {
    const mine = rounds.filter((r) => r.server === name);
    out[name] = {
      rounds: mine.length,
      failed: mine.filter((r) => !r.ok).length,
      deliveredPerSec: median(mine.map((r) => r.deliveredPerSec)),
      acceptedPerSec: median(mine.map((r) => r.acceptedPerSec)),
      cpuMsPerMsg: median(mine.map((r) => r.cpuMsPerMsg)),
      otherCpuMsPerMsg: median(mine.map((r) => r.otherCpuMsPerMsg)),
    };
  }
  return out;
}

/** The markdown table for bench/README.md. */
export function markdown({ rounds, claim, config, machine }) {
  const s = summarize(rounds);
  const lines = [
    `Outbound: ${f(config.messages)} messages of ${f(config.size)} bytes per round, ${config.sessions} submission sessions, ` +
      `${config.connections} connections to the sink per server, ${config.rounds} round(s); ${machine ?? ''}`.trim(),
    '',
    '| server | delivered msg/s | accepted msg/s | CPU ms/msg | other CPU ms/msg | failed rounds |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const [name, v] of Object.entries(s)) {
    lines.push(
      `| ${name} | ${f(v.deliveredPerSec)} | ${f(v.acceptedPerSec)} | ${f(v.cpuMsPerMsg, 3)} | ${f(v.otherCpuMsPerMsg, 3)} | ${v.failed} |`,
    );
  }
  if (s.jdmail && s.postfix) {
    lines.push(
      '',
      `Targets: jdmail/Postfix delivered msg/s = ${f(s.jdmail.deliveredPerSec / s.postfix.deliveredPerSec, 2)}× (goal ≥ 3×); ` +
        `CPU per message jdmail/Postfix = ${f(s.jdmail.cpuMsPerMsg / s.postfix.cpuMsPerMsg, 2)} (goal < 1).`,
    );
  }
  if (claim.length > 0) {
    lines.push(
      '',
      '| queued rows | claims × batch | median claim ms | p95 claim ms |',
      '|---:|---:|---:|---:|',
    );
    for (const c of claim)
      lines.push(`| ${f(c.rows)} | ${c.claims} × ${c.batch} | ${f(c.medianMs, 3)} | ${f(c.p95Ms, 3)} |`);
    if (claim.length >= 2) {
      const [lo, hi] = [claim[0], claim[claim.length - 1]];
      lines.push(
        '',
        `Claim time at ${f(hi.rows)} vs ${f(lo.rows)} rows: ${f(hi.medianMs / lo.medianMs, 2)}× (goal: flat).`,
      );
    }
  }
  return lines.join('\n');
}
