// Drives Postfix's smtp-source(1) load generator.
//
// smtp-source opens `-s` parallel sessions and sends `-m` messages in total. Without `-d` every
// message gets its own connection (connect, 220 greeting, HELO, MAIL, RCPT, DATA, QUIT); with `-d`
// a session keeps its connection and sends the next message over it. It aborts with a non-zero exit
// on the first unexpected reply (we do not pass `-A`), so exit code 0 means all `-m` were accepted.
import { spawn } from 'node:child_process';
import { liveChildren, nowMs } from './util.mjs';

/**
 * @param {object} o
 * @param {number} o.port
 * @param {number} o.messages
 * @param {number} o.sessions
 * @param {number} o.size payload bytes per message (headers excluded, as `-l`)
 * @param {boolean} o.persistent `-d`: reuse each connection for many messages
 * @param {string} o.from
 * @param {string} o.to
 * @param {string} o.helo
 * @param {number} o.timeoutMs
 */
export function runSmtpSource(o) {
  const args = ['-4', '-c', '-s', String(o.sessions), '-m', String(o.messages), '-l', String(o.size)];
  args.push('-f', o.from, '-t', o.to, '-M', o.helo);
  if (o.persistent) args.push('-d');
  args.push(`127.0.0.1:${o.port}`);
  return new Promise((resolve) => {
    let stdoutTail = '';
    let stderr = '';
    const startMs = nowMs();
    const child = spawn('smtp-source', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    liveChildren.add(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.stdout.on('data', (d) => {
      stdoutTail = (stdoutTail + d.toString()).slice(-256);
    });
    child.stderr.on('data', (d) => {
      stderr = (stderr + d.toString()).slice(-4096);
    });
    const finish = (code, signal, error) => {
      const endMs = nowMs();
      clearTimeout(timer);
      liveChildren.delete(child);
      // `-c` prints a running counter of completed DATA commands, separated by '\r'.
      const counts = stdoutTail.match(/\d+/g);
      const counter = counts ? Number(counts[counts.length - 1]) : 0;
      const ok = code === 0 && !error;
      resolve({
        ok,
        code,
        signal,
        startMs,
        endMs,
        accepted: ok ? o.messages : counter,
        stderr: error ? `${stderr}\n${error.message}` : stderr,
        args,
      });
    };
    child.once('error', (err) => finish(null, null, err));
    child.once('exit', (code, signal) => finish(code, signal, null));
  });
}
