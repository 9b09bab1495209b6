#!/usr/bin/env node
// What inbound mail authentication costs the MX: the same DKIM-signed messages sent to jdmail's MX
// with the checks off (mailAuth.inbound false) and on (SPF, DKIM, DMARC, ARC for every message:
// mailAuth.trustedNetworks []), against a local unbound serving the sender domain's SPF, DKIM and
// DMARC records (warm: a warm-up fills jdmail's DNS cache first). See bench/README.md ("inbound-auth").
// Usage: node bench/inbound-auth/run.mjs [--messages N] [--sessions S] [--size BYTES]
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { systemCpuMs, treeCpuMs } from '../smtp-ingest/lib/proc-tree.mjs';
import { freePort, nowMs, run, sleep, startSmtpDaemon, stopGroup } from '../smtp-ingest/lib/util.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(REPO, 'packages/server/package.json'));
const nodemailer = require('nodemailer');
const { dkimSign } = require('mailauth');

const { values: opt } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '500' },
    sessions: { type: 'string', default: '20' },
    size: { type: 'string', default: '10240' },
    cli: { type: 'string', default: join(REPO, 'packages/server/dist/cli/main.js') },
  },
});
const N = Number(opt.messages);
const SESSIONS = Number(opt.sessions);
const SIZE = Number(opt.size);
const FROM = 'news@sender.test';
const log = (line) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKey = key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const privateKey = key.privateKey.export({ type: 'pkcs8', format: 'pem' });
const txt = (v) => (v.match(/.{1,255}/g) ?? []).map((p) => `"${p}"`).join(' ');

/** Unbound serving sender.test (SPF allows 127.0.0.1, DKIM key s1, DMARC p=reject) and nothing else. */
async function startUnbound(dir) {
  const port = await freePort();
  const records = [
    `sender.test. 300 IN TXT ${txt('v=spf1 ip4:127.0.0.1 -all')}`,
    `s1._domainkey.sender.test. 300 IN TXT ${txt(`v=DKIM1; k=rsa; p=${publicKey}`)}`,
    `_dmarc.sender.test. 300 IN TXT ${txt('v=DMARC1; p=reject')}`,
  ];
  const conf = join(dir, 'unbound.conf');
  writeFileSync(
    conf,
    [
      'server:',
      `  interface: 127.0.0.1@${port}`,
      '  do-daemonize: no',
      '  chroot: ""',
      '  username: ""',
      `  directory: "${dir}"`,
      `  pidfile: "${join(dir, 'unbound.pid')}"`,
      '  use-syslog: no',
      '  logfile: ""',
      '  verbosity: 0',
      '  num-threads: 1',
      '  do-not-query-localhost: no',
      '  module-config: "iterator"',
      '  access-control: 127.0.0.0/8 allow',
      '  local-zone: "sender.test." static',
      ...records.map((r) => `  local-data: '${r}'`),
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/sbin/unbound', ['-d', '-c', conf], { stdio: 'ignore', detached: true });
  await sleep(1000);
  return { server: `127.0.0.1:${port}`, stop: () => stopGroup(child.pid) };
}

/** `count` distinct DKIM-signed messages of about SIZE bytes, made before the clock starts. */
async function signedMessages(count) {
  const line = `${'x'.repeat(74)}\r\n`;
  const out = [];
  for (let n = 0; n < count; n++) {
    const head = `From: <${FROM}>\r\nTo: <rcpt@bench.test>\r\nSubject: inbound auth bench ${n}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <auth-${n}-${process.pid}@sender.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n`;
    const raw = Buffer.from(head + line.repeat(Math.ceil((SIZE - head.length) / line.length)));
    // mailauth signs what `signatureData` lists.
    const data = {
      signingDomain: 'sender.test',
      selector: 's1',
      privateKey,
      canonicalization: 'relaxed/relaxed',
    };
    const signed = await dkimSign(raw, { ...data, signatureData: [data] });
    if (!/^DKIM-Signature:/i.test(signed.signatures))
      throw new Error(`not signed: ${JSON.stringify(signed.errors)}`);
    out.push(Buffer.concat([Buffer.from(signed.signatures), raw]));
  }
  return out;
}

async function send(port, messages, count) {
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    maxConnections: SESSIONS,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  let next = 0;
  let accepted = 0;
  const errors = [];
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        await transport.sendMail({
          envelope: { from: FROM, to: ['rcpt@bench.test'] },
          raw: messages[i % messages.length],
        });
        accepted++;
      } catch (err) {
        if (errors.length < 3) errors.push(String(err?.response ?? err));
      }
    }
  };
  await Promise.all(Array.from({ length: SESSIONS }, worker));
  transport.close();
  return { accepted, errors };
}

/** One jdmail with the checks on or off: warm-up, then N messages timed. */
async function measure(mode, dns, messages) {
  const dir = mkdtempSync(join(os.tmpdir(), `jdmail-inbound-auth-${mode}-`));
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    JDMAIL_DATA_DIR: join(dir, 'data'),
    JDMAIL_HOST: '127.0.0.1',
    JDMAIL_HOSTNAME: 'mx.bench.test',
    JDMAIL_SMTP_PORT: String(port),
    JDMAIL_SUBMISSION_PORT: '0',
    JDMAIL_HTTP_PORT: '0',
    JDMAIL_IMAP_PORT: '0',
    JDMAIL_IMAPS_PORT: '0',
    JDMAIL_POP3_PORT: '0',
    JDMAIL_POP3S_PORT: '0',
    JDMAIL_LOG_LEVEL: 'warn',
    JDMAIL_DNS_SERVERS: JSON.stringify([dns.server]),
    JDMAIL_MAIL_AUTH_INBOUND: mode === 'on' ? 'true' : 'false',
    JDMAIL_MAIL_AUTH_TRUSTED_NETWORKS: '[]',
  };
  const jd = (...args) => run(process.execPath, [opt.cli, ...args], { env, timeoutMs: 120_000, cwd: dir });
  await jd('init');
  await jd('domain', 'add', 'bench.test');
  await jd('user', 'add', 'rcpt@bench.test', '--password', 'bench-password-x');
  const child = await startSmtpDaemon(process.execPath, [opt.cli, 'start'], {
    port,
    env,
    logFile: join(dir, 'jdmail.log'),
    cwd: dir,
    timeoutMs: 60_000,
  });
  try {
    await send(port, messages, Number(opt.warmup));
    const cpu0 = treeCpuMs([child.pid]);
    const sys0 = systemCpuMs();
    const t0 = nowMs();
    const r = await send(port, messages, N);
    const sec = (nowMs() - t0) / 1000;
    const cpuMs = treeCpuMs([child.pid]) - cpu0;
    const sys1 = systemCpuMs();
    return {
      mode,
      accepted: r.accepted,
      errors: r.errors,
      msgPerSec: r.accepted / sec,
      cpuMsPerMsg: cpuMs / r.accepted,
      otherCpuMsPerMsg: (sys1.busyMs - sys0.busyMs - cpuMs) / r.accepted,
      results: await storedResults(join(dir, 'data', 'jdmail.db')),
    };
  } finally {
    await stopGroup(child.pid, { timeoutMs: 20_000 });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the MX recorded: messages with a DMARC pass (every one, when the checks are on). */
async function storedResults(db) {
  const py = `import sqlite3,sys,json
c=sqlite3.connect('file:'+sys.argv[1]+'?mode=ro',uri=True)
rows=[json.loads(r[0]) for r in c.execute('SELECT results FROM message_auth_results')]
ok=sum(1 for r in rows if (r.get('dmarc') or {}).get('result')=='pass' and any(d.get('result')=='pass' for d in r.get('dkim') or []) and (r.get('spf') or {}).get('result')=='pass')
print(json.dumps({'rows':len(rows),'allPass':ok}))`;
  const { stdout } = await run('python3', ['-c', py, db], { timeoutMs: 60_000 });
  return JSON.parse(stdout);
}

const load = os.loadavg();
if (load[0] > 0.5)
  log(`warning: load average ${load.map((l) => l.toFixed(2)).join(' ')}: the machine is not idle`);
const tmp = mkdtempSync(join(os.tmpdir(), 'jdmail-inbound-auth-dns-'));
const dns = await startUnbound(tmp);
try {
  const messages = await signedMessages(200);
  const rows = [];
  for (const mode of ['off', 'on']) {
    const r = await measure(mode, dns, messages);
    log(
      `${mode}: ${r.msgPerSec.toFixed(0)} msg/s, ${r.cpuMsPerMsg.toFixed(3)} CPU ms/msg, ${JSON.stringify(r.results)} ${r.errors.join('; ')}`,
    );
    rows.push(r);
  }
  const [off, on] = rows;
  console.log(`| checks | msg/s | CPU ms/msg | other CPU ms/msg | stored with spf, dkim and dmarc pass |
|---|---:|---:|---:|---:|
${rows.map((r) => `| ${r.mode} | ${r.msgPerSec.toFixed(0)} | ${r.cpuMsPerMsg.toFixed(3)} | ${r.otherCpuMsPerMsg.toFixed(3)} | ${r.results.allPass} of ${r.results.rows} |`).join('\n')}

Throughput cost of the checks: ${((1 - on.msgPerSec / off.msgPerSec) * 100).toFixed(1)}% (goal < 10%); CPU per message +${((on.cpuMsPerMsg / off.cpuMsPerMsg - 1) * 100).toFixed(1)}%.`);
} finally {
  await dns.stop();
  rmSync(tmp, { recursive: true, force: true });
}
