#!/usr/bin/env node
// POP3 download throughput of jdmail: one INBOX of N messages of 5–20 KB (issue 19's load), fetched
// by RETR over one connection, plain POP3 and POP3S, one RETR at a time (as Thunderbird and Outlook
// do) and pipelined (RFC 2449; as fetchmail does). Reports MB/s on the wire and the server's CPU per
// message. Dovecot side by side belongs to bench/imap (the tools part of issue 19).
//
//   pnpm --filter @jdmail/server build
//   node bench/pop3/retr.mjs [--messages 2000] [--rounds 3]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'packages/server/dist/cli/main.js');
const { values: opts } = parseArgs({
  options: { messages: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '3' } },
});
const MESSAGES = Number(opts.messages);
const ROUNDS = Number(opts.rounds);
const USER = 'alice@example.com';

/** A line reader over a socket: `line()` for status lines, `until(terminator)` for bodies. */
function reader(socket) {
  let buf = Buffer.alloc(0);
  let wake = () => {};
  socket.on('data', (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    wake();
  });
  const wait = () => new Promise((r) => (wake = r));
  return {
    async until(marker) {
      for (;;) {
        const at = buf.indexOf(marker);
        if (at >= 0) {
          const out = buf.subarray(0, at + marker.length);
          buf = buf.subarray(at + marker.length);
          return out;
        }
        await wait();
      }
    },
    line() {
      return this.until('\r\n').then((b) => b.toString().trimEnd());
    },
  };
}

async function smtpLoad(port, count) {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const r = reader(socket);
  const cmd = async (line) => {
    socket.write(`${line}\r\n`);
    const reply = await r.line();
    if (!/^[23]/.test(reply)) throw new Error(`${line}: ${reply}`);
  };
  await r.line();
  await cmd('EHLO bench.test');
  while (!(await r.line()).startsWith('250 '));
  for (let i = 0; i < count; i++) {
    const size = 5000 + Math.floor(Math.random() * 15_000);
    let body = '';
    for (let n = 0; body.length < size; n++)
      body += `${n % 9 === 0 ? '..' : ''}line ${n} ${'z'.repeat(64)}\r\n`;
    await cmd('MAIL FROM:<bob@example.org>');
    await cmd(`RCPT TO:<${USER}>`);
    await cmd('DATA');
    await cmd(`Subject: message ${i}\r\nFrom: bob@example.org\r\n\r\n${body}.`);
  }
  socket.end('QUIT\r\n');
}

const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
};

async function download(port, secure, pipelined) {
  const raw = net.connect(port, '127.0.0.1');
  await once(raw, 'connect');
  const socket = secure ? tls.connect({ socket: raw, rejectUnauthorized: false }) : raw;
  if (secure) await once(socket, 'secureConnect');
  const r = reader(socket);
  await r.line();
  socket.write(`USER ${USER}\r\nPASS alice-password\r\n`);
  await r.line();
  const signedIn = await r.line();
  const count = Number(/has (\d+) message/.exec(signedIn)?.[1]);
  let bytes = 0;
  const start = performance.now();
  if (pipelined) socket.write(Array.from({ length: count }, (_, i) => `RETR ${i + 1}\r\n`).join(''));
  for (let i = 1; i <= count; i++) {
    if (!pipelined) socket.write(`RETR ${i}\r\n`);
    const status = await r.line();
    if (!status.startsWith('+OK')) throw new Error(status);
    bytes += (await r.until('\r\n.\r\n')).length;
  }
  const seconds = (performance.now() - start) / 1000;
  socket.end('QUIT\r\n');
  return { count, bytes, seconds };
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'jdmail-pop3-bench-'));
  const env = {
    ...process.env,
    JDMAIL_DATA_DIR: dataDir,
    JDMAIL_HOST: '127.0.0.1',
    JDMAIL_LOG_LEVEL: 'warn',
  };
  for (const p of ['HTTP', 'SMTP', 'SUBMISSION', 'POP3', 'POP3S', 'IMAP', 'IMAPS'])
    env[`JDMAIL_${p}_PORT`] = '0';
  const cli = (args, input = '') =>
    new Promise((res, rej) => {
      const c = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'ignore', 'inherit'] });
      c.stdin.end(input);
      c.on('close', (code) => (code === 0 ? res() : rej(new Error(`jdmail ${args.join(' ')}: ${code}`))));
    });
  env.JDMAIL_LOG_LEVEL = 'info';
  const server = spawn(process.execPath, [CLI, 'start'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  server.stdout.on('data', (c) => (out += c));
  while (!out.includes('"jdmail is ready"')) await new Promise((r) => setTimeout(r, 100));
  const ports = JSON.parse(out.split('\n').find((l) => l.includes('"jdmail is ready"'))).ports;
  try {
    await cli(['domain', 'add', 'example.com']);
    await cli(['user', 'add', USER, '--password-stdin'], 'alice-password\n');
    const loadStart = performance.now();
    await smtpLoad(ports.smtp, MESSAGES);
    console.error(`loaded ${MESSAGES} messages in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
    console.log('| mode | messages | MB | s | MB/s | messages/s | server CPU ms/message |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, port, secure, pipelined] of [
        ['POP3, one RETR at a time', ports.pop3, false, false],
        ['POP3, pipelined', ports.pop3, false, true],
        ['POP3S, one RETR at a time', ports.pop3s, true, false],
        ['POP3S, pipelined', ports.pop3s, true, true],
      ]) {
        const cpu = cpuMs(server.pid);
        const r = await download(port, secure, pipelined);
        const used = cpuMs(server.pid) - cpu;
        const mb = r.bytes / 1e6;
        console.log(
          `| ${name} | ${r.count} | ${mb.toFixed(1)} | ${r.seconds.toFixed(2)} | ${(mb / r.seconds).toFixed(1)} | ${Math.round(r.count / r.seconds)} | ${(used / r.count).toFixed(3)} |`,
        );
      }
    }
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
