/**
 * MX ingest with the filter pipeline on (clamd scanning every message, a
 * trained spam model, a few global rules) against the same server with the
 * filter off, interleaved in one run. Prints messages/s of each and the ratio.
 *
 *   nice pnpm --filter @jdmail/server exec tsx ../../bench/filter/run.ts [--messages 1000] [--rounds 3] [--sessions 8]
 *
 * Needs clamd (/usr/sbin/clamd, as the tests); the servers are the built CLI
 * (pnpm --filter @jdmail/server build). See bench/README.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startClamd } from '../../test/harness/clamd.js';
import { runCli, startServer, type TestServer } from '../../test/harness/server.js';

// nodemailer is a dependency of the tests' package: resolved from there, as bench/spam does.
const require = createRequire(new URL('../../test/package.json', import.meta.url));
/** The part of nodemailer this bench uses. */
interface Transport {
  sendMail(mail: { envelope: { from: string; to: string[] }; raw: string }): Promise<unknown>;
  close(): void;
}
const nodemailer = require('nodemailer') as { createTransport(options: object): Transport };

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    sessions: { type: 'string', default: '8' },
    size: { type: 'string', default: '10240' },
    // Which stages the filtered server has: to tell each one's cost apart.
    stages: { type: 'string', default: 'virus,spam,rules' },
  },
});
const MESSAGES = Number(values.messages);
const ROUNDS = Number(values.rounds);
const SESSIONS = Number(values.sessions);
const SIZE = Number(values.size);
const STAGES = new Set(String(values.stages).split(','));

const SPAM_WORDS =
  'cheap pills viagra casino jackpot win money prize claim free lottery bonus click offer'.split(' ');
const HAM_WORDS =
  'meeting agenda project report budget quarterly team thursday review minutes schedule draft'.split(' ');
const COMMON = 'the a and of to in for on with please this that is are we you'.split(' ');

/** A text of about `bytes` from words of `pool` and common words (deterministic per seed). */
function text(pool: string[], bytes: number, seed: number): string {
  let s = '';
  let x = seed * 7919 + 1;
  while (s.length < bytes) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const from = x % 3 === 0 ? pool : COMMON;
    s += `${from[x % from.length]}${x % 11 === 0 ? '.\r\n' : ' '}`;
  }
  return s;
}

const mail = (from: string, subject: string, body: string) =>
  `From: ${from}\r\nTo: rcpt@bench.test\r\nSubject: ${subject}\r\nMessage-ID: <${Math.random().toString(36).slice(2)}@bench>\r\nDate: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;

async function provision(server: TestServer, env: Record<string, string>, filtered: boolean, dir: string) {
  const api = (path: string, method: string, body: unknown) =>
    fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => {
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    });
  await api('/api/v1/domains', 'POST', { name: 'bench.test' });
  await api('/api/v1/users', 'POST', { address: 'rcpt@bench.test' });
  if (filtered && STAGES.has('rules'))
    await api('/api/v1/rules', 'PUT', {
      rules: [
        {
          name: 'no .exe from outside',
          when: { all: [{ direction: 'inbound' }, { attachment: { name: { endsWith: '.exe' } } }] },
          actions: [{ action: 'reject', text: 'Executables are not accepted' }],
        },
        {
          name: 'invoices',
          when: { header: { name: 'subject', contains: '发票' } },
          actions: [{ action: 'junk' }],
        },
      ],
    });
  for (const kind of ['spam', 'ham'] as const) {
    const d = join(dir, kind);
    await mkdir(d, { recursive: true });
    for (let i = 0; i < 250; i++) {
      const pool = kind === 'spam' ? SPAM_WORDS : HAM_WORDS;
      await writeFile(
        join(d, `${i}.eml`),
        mail(`${kind}${i}@x.example`, text(pool, 40, i), text(pool, 1500, i)),
      );
    }
  }
  await runCli(['spam', 'train', '--spam', join(dir, 'spam'), '--ham', join(dir, 'ham')], env);
}

/** Sends MESSAGES messages over SESSIONS pooled connections; returns messages/s. */
async function round(port: number, seed: number): Promise<number> {
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    pool: true,
    maxConnections: SESSIONS,
    maxMessages: Number.POSITIVE_INFINITY,
    secure: false,
    ignoreTLS: true,
  });
  const bodies = [0, 1, 2, 3].map((k) => text(k % 2 ? HAM_WORDS : SPAM_WORDS, SIZE, seed + k));
  const started = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    while (next < MESSAGES) {
      const i = next++;
      await t.sendMail({
        envelope: { from: `s${i}@sender.example`, to: ['rcpt@bench.test'] },
        raw: mail(`s${i}@sender.example`, `message ${i}`, bodies[i % 4] as string),
      });
    }
  };
  await Promise.all(Array.from({ length: SESSIONS }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  t.close();
  return MESSAGES / seconds;
}

/** CPU ms (user + system) of the processes whose command line or environment contains `marker` (Linux /proc). */
function cpuMsOf(marker: string): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d))) {
    try {
      const named =
        readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker) ||
        readFileSync(`/proc/${pid}/environ`, 'utf8').includes(marker);
      if (!named) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone in between
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const dir = await mkdtemp(join(tmpdir(), 'jdmail-bench-filter-'));
const clamd = await startClamd();
const off = await startServer({ env: { JDMAIL_FILTER_ENABLED: 'false' } });
const on = await startServer({ env: STAGES.has('virus') ? { JDMAIL_VIRUS_CLAMD: clamd.tcp } : {} });
try {
  await provision(off, { JDMAIL_DATA_DIR: off.dataDir }, false, dir);
  await provision(on, { JDMAIL_DATA_DIR: on.dataDir }, true, dir);
  // Warm-up: JIT, caches, clamd's first connections.
  await round(off.smtpPort, 0);
  await round(on.smtpPort, 0);
  const rates = { off: [] as number[], on: [] as number[] };
  const cpu = { off: 0, on: 0, clamd: 0 };
  const measured = async (which: 'off' | 'on', r: number) => {
    const server = which === 'off' ? off : on;
    const before = { jd: cpuMsOf(`JDMAIL_DATA_DIR=${server.dataDir}\0`), clamd: cpuMsOf('jdmail-clamd-') };
    rates[which].push(await round(server.smtpPort, r));
    cpu[which] += cpuMsOf(`JDMAIL_DATA_DIR=${server.dataDir}\0`) - before.jd;
    if (which === 'on') cpu.clamd += cpuMsOf('jdmail-clamd-') - before.clamd;
  };
  for (let r = 1; r <= ROUNDS; r++) {
    // Alternating which goes first, so that a neighbour's load drifting over the run favours neither.
    if (r % 2) {
      await measured('off', r);
      await measured('on', r);
    } else {
      await measured('on', r);
      await measured('off', r);
    }
    console.error(
      `round ${r}: off ${rates.off.at(-1)?.toFixed(0)} msg/s, on ${rates.on.at(-1)?.toFixed(0)} msg/s`,
    );
  }
  const m = { off: median(rates.off), on: median(rates.on) };
  console.log(
    JSON.stringify({
      messages: MESSAGES,
      rounds: ROUNDS,
      sessions: SESSIONS,
      size: SIZE,
      stages: [...STAGES],
      offPerSecond: Math.round(m.off),
      onPerSecond: Math.round(m.on),
      cost: `${((1 - m.on / m.off) * 100).toFixed(1)}%`,
      // CPU per message: jdmail without and with the filter, and clamd's own.
      cpuMsPerMessage: {
        off: +(cpu.off / (MESSAGES * ROUNDS)).toFixed(2),
        on: +(cpu.on / (MESSAGES * ROUNDS)).toFixed(2),
        clamd: +(cpu.clamd / (MESSAGES * ROUNDS)).toFixed(2),
      },
    }),
  );
} finally {
  await on.destroy();
  await off.destroy();
  await clamd.stop();
  await rm(dir, { recursive: true, force: true });
}
