// Medians over rounds, the ratios jdmail ÷ Dovecot against the targets, and the markdown
// tables printed at the end of a run.
import os from 'node:os';

export type Phase = 'stress' | 'pop3' | 'idle' | 'latency';
export type StressCase = 'default' | 'no-logout';
export const PHASES: Phase[] = ['stress', 'pop3', 'idle', 'latency'];
export const STRESS_CASES: StressCase[] = ['default', 'no-logout'];

/** One measured round of one phase on one server (only the fields of its phase are set). */
export interface Round {
  phase: Phase;
  case?: StressCase;
  server: string;
  round: number;
  sec: number;
  ok: boolean;
  errors: string[];
  // stress
  commands?: number;
  commandsPerSec?: number;
  imaptestErrors?: number;
  cpuMsPerCmd?: number;
  otherCpuMsPerCmd?: number;
  peakPssMb?: number;
  peakRssMb?: number;
  loginMs?: number;
  // pop3
  messages?: number;
  mb?: number;
  mbPerSec?: number;
  cpuMsPerMb?: number;
  // idle
  asked?: number;
  held?: number;
  failed?: number;
  setupSec?: number;
  baselinePssMb?: number;
  heldPssMb?: number;
  kbPerSessionPss?: number;
  kbPerSessionRss?: number;
  procs?: number;
  // latency
  deliveries?: number;
  samples?: number[];
  first?: number[];
  missed?: number;
}

/** The targets for jdmail, side by side with Dovecot. */
export const TARGETS = {
  stressRatio: 3,
  idleSessions: 20_000,
  idleKbPerSession: 16,
  latencyP99Ms: 100,
  pop3Ratio: 1,
};

/** Median of the finite values; NaN when there are none. */
export function median(values: (number | undefined)[]): number {
  const v = values.filter((x): x is number => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  return ((v[Math.floor(v.length / 2)] as number) + (v[Math.ceil(v.length / 2) - 1] as number)) / 2;
}

/** The p-th percentile (nearest rank); NaN when there are no samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const v = [...samples].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))] as number;
}

const okRounds = (rounds: Round[], phase: Phase, server: string, kase?: StressCase) =>
  rounds.filter((r) => r.phase === phase && r.server === server && r.case === kase && r.ok);
const allRounds = (rounds: Round[], phase: Phase, server: string, kase?: StressCase) =>
  rounds.filter((r) => r.phase === phase && r.server === server && r.case === kase);

/** Per round, jdmail's value ÷ Dovecot's, for rounds where both succeeded. */
export function roundRatios(rounds: Round[], phase: Phase, metric: keyof Round, kase?: StressCase): number[] {
  const out: number[] = [];
  for (const j of okRounds(rounds, phase, 'jdmail', kase)) {
    const d = okRounds(rounds, phase, 'dovecot', kase).find((r) => r.round === j.round);
    const a = j[metric];
    const b = d?.[metric];
    if (typeof a === 'number' && typeof b === 'number' && b > 0) out.push(a / b);
  }
  return out;
}

const fmt = (x: number, digits = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '—';
const ratio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const head = (cells: string[], right: number) =>
  [row(cells), row(cells.map((_, i) => (i >= cells.length - right ? '---:' : '---')))].join('\n');

function stressTable(rounds: Round[], servers: string[], cases: StressCase[]): string[] {
  const lines = [
    head(
      [
        'case',
        'server',
        'commands/s',
        'imaptest errors',
        'CPU ms/cmd',
        'LOGIN ms',
        'peak PSS MB',
        'peak RSS MB',
        'ok rounds',
      ],
      7,
    ),
  ];
  for (const c of cases)
    for (const s of servers) {
      const ok = okRounds(rounds, 'stress', s, c);
      const m = (k: keyof Round) => median(ok.map((r) => r[k] as number));
      const errors = allRounds(rounds, 'stress', s, c).reduce((n, r) => n + (r.imaptestErrors ?? 0), 0);
      lines.push(
        row([
          c,
          s,
          fmt(m('commandsPerSec')),
          errors,
          fmt(m('cpuMsPerCmd'), 3),
          fmt(m('loginMs'), 1),
          fmt(m('peakPssMb'), 1),
          fmt(m('peakRssMb'), 1),
          `${ok.length}/${allRounds(rounds, 'stress', s, c).length}`,
        ]),
      );
    }
  return lines;
}

function pop3Table(rounds: Round[], servers: string[]): string[] {
  const lines = [head(['server', 'messages', 'MB', 'MB/s', 'CPU ms/MB', 'ok rounds'], 5)];
  for (const s of servers) {
    const ok = okRounds(rounds, 'pop3', s);
    const m = (k: keyof Round) => median(ok.map((r) => r[k] as number));
    lines.push(
      row([
        s,
        fmt(m('messages')),
        fmt(m('mb'), 1),
        fmt(m('mbPerSec'), 1),
        fmt(m('cpuMsPerMb'), 2),
        `${ok.length}/${allRounds(rounds, 'pop3', s).length}`,
      ]),
    );
  }
  return lines;
}

function idleTable(rounds: Round[], servers: string[]): string[] {
  const lines = [
    head(
      [
        'server',
        'asked',
        'held in IDLE',
        'failed',
        'setup s',
        'PSS before MB',
        'PSS held MB',
        'KB/session PSS',
        'KB/session RSS',
        'processes',
      ],
      9,
    ),
  ];
  for (const s of servers) {
    // Every round counts here: a round that could not hold them all is the measurement.
    const all = allRounds(rounds, 'idle', s);
    const m = (k: keyof Round) => median(all.map((r) => r[k] as number));
    lines.push(
      row([
        s,
        fmt(m('asked')),
        fmt(m('held')),
        fmt(m('failed')),
        fmt(m('setupSec'), 1),
        fmt(m('baselinePssMb'), 1),
        fmt(m('heldPssMb'), 1),
        fmt(m('kbPerSessionPss'), 1),
        fmt(m('kbPerSessionRss'), 1),
        fmt(m('procs')),
      ]),
    );
  }
  return lines;
}

function latencyTable(rounds: Round[], servers: string[]): string[] {
  const lines = [
    head(
      [
        'server',
        'IDLE sessions',
        'deliveries',
        'wake-ups',
        'p50 ms',
        'p99 ms',
        'max ms',
        'first p50 ms',
        'first p99 ms',
        'missed',
      ],
      9,
    ),
  ];
  for (const s of servers) {
    const all = allRounds(rounds, 'latency', s);
    const samples = all.flatMap((r) => r.samples ?? []);
    const first = all.flatMap((r) => r.first ?? []);
    const sum = (k: keyof Round) => all.reduce((n, r) => n + ((r[k] as number) ?? 0), 0);
    lines.push(
      row([
        s,
        fmt(median(all.map((r) => r.held))),
        sum('deliveries'),
        samples.length,
        fmt(percentile(samples, 50), 1),
        fmt(percentile(samples, 99), 1),
        fmt(percentile(samples, 100), 1),
        fmt(percentile(first, 50), 1),
        fmt(percentile(first, 99), 1),
        sum('missed'),
      ]),
    );
  }
  return lines;
}

const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

function targetLines(rounds: Round[], cases: StressCase[], phases: Phase[]): string[] {
  const out = [head(['what', 'jdmail ÷ Dovecot (median)', 'each round', 'target', 'verdict'], 0)];
  const med = (phase: Phase, k: keyof Round, s: string, c?: StressCase) =>
    median(okRounds(rounds, phase, s, c).map((r) => r[k] as number));
  if (phases.includes('stress'))
    for (const c of cases) {
      const x = med('stress', 'commandsPerSec', 'jdmail', c) / med('stress', 'commandsPerSec', 'dovecot', c);
      const errs = allRounds(rounds, 'stress', 'jdmail', c).reduce((n, r) => n + (r.imaptestErrors ?? 1), 0);
      const each = roundRatios(rounds, 'stress', 'commandsPerSec', c).map(ratio).join(', ');
      out.push(
        row([
          `imaptest ${c}: commands/s`,
          ratio(x),
          each,
          `≥ ${TARGETS.stressRatio}× with 0 errors`,
          verdict(x >= TARGETS.stressRatio && errs === 0),
        ]),
      );
    }
  if (phases.includes('pop3')) {
    const x = med('pop3', 'mbPerSec', 'jdmail') / med('pop3', 'mbPerSec', 'dovecot');
    out.push(
      row([
        'POP3 download MB/s',
        ratio(x),
        roundRatios(rounds, 'pop3', 'mbPerSec').map(ratio).join(', '),
        `≥ ${TARGETS.pop3Ratio}×`,
        verdict(x >= TARGETS.pop3Ratio),
      ]),
    );
  }
  if (phases.includes('idle')) {
    const j = allRounds(rounds, 'idle', 'jdmail');
    const kb = median(j.map((r) => r.kbPerSessionPss));
    const held = median(j.map((r) => r.held));
    const x = kb / median(allRounds(rounds, 'idle', 'dovecot').map((r) => r.kbPerSessionPss));
    out.push(
      row([
        'IDLE: KB per session (PSS)',
        ratio(x),
        `jdmail held ${fmt(held)} at ${fmt(kb, 1)} KB each`,
        `${fmt(TARGETS.idleSessions)} sessions at ≤ ${TARGETS.idleKbPerSession} KB`,
        verdict(held >= TARGETS.idleSessions && kb <= TARGETS.idleKbPerSession),
      ]),
    );
  }
  if (phases.includes('latency')) {
    const samples = allRounds(rounds, 'latency', 'jdmail').flatMap((r) => r.samples ?? []);
    const d = allRounds(rounds, 'latency', 'dovecot').flatMap((r) => r.samples ?? []);
    const p99 = percentile(samples, 99);
    out.push(
      row([
        'new mail → IDLE, p99 ms',
        ratio(p99 / percentile(d, 99)),
        `jdmail ${fmt(p99, 1)} ms`,
        `< ${TARGETS.latencyP99Ms} ms`,
        verdict(p99 < TARGETS.latencyP99Ms),
      ]),
    );
  }
  return out;
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memGb: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export interface ReportInput {
  startedAt: string;
  machine: ReturnType<typeof machineInfo>;
  config: {
    users: number;
    messages: number;
    minKb: number;
    maxKb: number;
    clients: number;
    secs: number;
    idleSessions: number;
    latencySessions: number;
    deliveries: number;
    rounds: number;
    dovecotPasswordScheme: string;
    jdmailScryptLn?: number;
    phases: Phase[];
    stressCases: StressCase[];
  };
  servers: Record<string, { label: string; load: { messages: number; bytes: number; ms: number } }>;
  rounds: Round[];
}

/** The run as markdown: what ran, one table per phase, and (with both servers) the targets. */
export function markdown(r: ReportInput): string {
  const c = r.config;
  const m = r.machine;
  const names = Object.keys(r.servers);
  const labels = Object.values(r.servers)
    .map((s) => s.label)
    .join(', ');
  const out = [
    `Run ${r.startedAt} — ${m.cpu}, ${m.cores} cores, ${m.memGb} GB, ${m.kernel}, Node ${m.node}, load ${m.loadavg.join(' ')} at start; ${labels}.`,
    `${c.users} users × ${fmt(c.messages)} messages of ${c.minKb}–${c.maxKb} KB (make-mbox.py); ${c.rounds} interleaved rounds; Dovecot passwords ${c.dovecotPasswordScheme}, jdmail's scrypt ln=${c.jdmailScryptLn ?? 15}.`,
    '',
  ];
  if (c.phases.includes('stress'))
    out.push(
      `**imaptest stress** (its default command mix, ${c.clients} clients, ${c.secs} s, one user's INBOX; \`no-logout\` = \`logout=0\`):`,
      '',
      ...stressTable(r.rounds, names, c.stressCases),
      '',
    );
  if (c.phases.includes('pop3'))
    out.push(
      '**POP3 download** (one session, RETR of every message in turn):',
      '',
      ...pop3Table(r.rounds, names),
      '',
    );
  if (c.phases.includes('idle'))
    out.push(
      `**IDLE sessions held** (${fmt(c.idleSessions)} asked: LOGIN, SELECT INBOX, IDLE; memory of the server's whole process tree, after − before):`,
      '',
      ...idleTable(r.rounds, names),
      '',
    );
  if (c.phases.includes('latency'))
    out.push(
      `**New mail → IDLE client** (${fmt(c.latencySessions)} sessions over ${c.users} users; ${c.deliveries} APPENDs per round from another session, each waking that user's sessions):`,
      '',
      ...latencyTable(r.rounds, names),
      '',
    );
  if (names.includes('jdmail') && names.includes('dovecot'))
    out.push('**Targets** (issue 19):', '', ...targetLines(r.rounds, c.stressCases, c.phases), '');
  return out.join('\n');
}
