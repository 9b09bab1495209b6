// Small helpers shared by the bench: time, ports, SMTP greeting probe, child processes.
import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { isAlive, listGroup } from './proc-tree.mjs';

/** Wall-clock time in epoch milliseconds with sub-millisecond resolution (comparable to file ctimes). */
export const nowMs = () => performance.timeOrigin + performance.now();

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** One attempt: connect, read the first reply line, say QUIT. Resolves to the line or null. */
function probeGreeting(port, timeoutMs) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (line) => {
      clearTimeout(timer);
      sock.removeAllListeners('data');
      if (line !== null && !sock.destroyed) sock.end('QUIT\r\n');
      else sock.destroy();
      resolve(line);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    sock.on('error', () => done(null));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const eol = buf.indexOf('\r\n');
      if (eol >= 0) done(buf.slice(0, eol));
    });
  });
}

/**
 * Polls until the port answers with a 220 greeting, or throws after `timeoutMs`.
 * `stillRunning` lets the caller fail fast when the server process has already died.
 */
export async function waitForGreeting(port, { timeoutMs = 60_000, stillRunning = () => true } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < deadline) {
    if (!stillRunning()) throw new Error(`server on port ${port} exited before greeting`);
    last = await probeGreeting(port, 5000);
    if (last?.startsWith('220')) return last;
    await sleep(100);
  }
  throw new Error(`no 220 greeting on 127.0.0.1:${port} within ${timeoutMs} ms (last: ${last})`);
}

/** Runs a command to completion with a timeout; rejects with its output on failure. */
export function run(cmd, args, { env, timeoutMs = 60_000, cwd } = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { env, cwd, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`.trim()));
        } else resolve({ stdout, stderr });
      },
    );
  });
}

/** Children started by the bench, killed by group on emergency cleanup. */
export const liveChildren = new Set();

/** Starts a long-running server in its own process group, stdout+stderr appended to `logFile`. */
export function spawnDaemon(cmd, args, { env, logFile, cwd } = {}) {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(cmd, args, { env, cwd, detached: true, stdio: ['ignore', fd, fd] });
    liveChildren.add(child);
    child.once('exit', () => liveChildren.delete(child));
    child.once('error', () => liveChildren.delete(child));
    return child;
  } finally {
    closeSync(fd);
  }
}

/** Starts an SMTP server with `spawnDaemon` and resolves with its child once it greets on `port`. */
export async function startSmtpDaemon(cmd, args, { port, logFile, cwd, env, timeoutMs }) {
  const child = spawnDaemon(cmd, args, { env, logFile, cwd });
  const pid = child.pid;
  await waitForGreeting(port, { timeoutMs, stillRunning: () => pid !== undefined && isAlive(pid) });
  return child;
}

/** Sends a signal to a whole process group, ignoring "no such process". */
export function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Waits until `pid` is gone (or a zombie), polling; returns false on timeout. */
export async function waitGone(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

/** SIGTERM a process group leader, wait, then SIGKILL whatever is left of its group. */
export async function stopGroup(pgid, { timeoutMs = 15_000 } = {}) {
  if (!pgid) return;
  killGroup(pgid, 'SIGTERM');
  await waitGone(pgid, timeoutMs);
  for (let i = 0; i < 20 && listGroup(pgid).length > 0; i++) {
    killGroup(pgid, 'SIGKILL');
    await sleep(100);
  }
}

/** Median of the finite values; NaN when there are none. */
export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const hi = v[Math.floor(v.length / 2)] ?? Number.NaN;
  const lo = v[Math.ceil(v.length / 2) - 1] ?? Number.NaN;
  return (lo + hi) / 2;
}
