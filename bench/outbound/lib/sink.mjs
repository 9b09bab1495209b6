// The one smtp-sink(1) both servers relay to, counting what arrives: `-c` prints
// `sess=N quit=N mesg=N` each time a DATA ends with ".", so the count is of messages the sink
// took, whichever server sent them and over however many connections.
import { spawn } from 'node:child_process';
import { freePort, liveChildren, nowMs, stopGroup, waitForGreeting } from '../../smtp-ingest/lib/util.mjs';

export async function startCountingSink() {
  const port = await freePort();
  // -u nobody: required when started as root. Backlog 1024 so connection bursts are not refused.
  const child = spawn('smtp-sink', ['-u', 'nobody', '-c', '-4', `127.0.0.1:${port}`, '1024'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  let count = 0;
  let lastAt = 0;
  let tail = '';
  child.stdout.on('data', (d) => {
    tail = (tail + d.toString('latin1')).slice(-256);
    const all = [...tail.matchAll(/mesg=(\d+)/g)];
    const n = all.length > 0 ? Number(all[all.length - 1][1]) : count;
    if (n !== count) {
      count = n;
      lastAt = nowMs();
    }
  });
  child.stderr.resume();
  await waitForGreeting(port, { timeoutMs: 15_000, stillRunning: () => child.exitCode === null });
  return {
    port,
    pid: child.pid,
    /** Messages received so far, and when the last one ended. */
    count: () => count,
    lastAt: () => lastAt,
    /** Resolves once `target` messages have arrived, or after `stallMs` without one, or at `deadline`. */
    async waitFor(target, { deadline, stallMs = 60_000 }) {
      let seen = count;
      let changed = nowMs();
      while (count < target && nowMs() < deadline && nowMs() - changed < stallMs) {
        await new Promise((r) => setTimeout(r, 50));
        if (count !== seen) {
          seen = count;
          changed = nowMs();
        }
      }
      return count;
    },
    async stop() {
      if (child.pid) await stopGroup(child.pid, { timeoutMs: 5000 });
      liveChildren.delete(child);
    },
  };
}
