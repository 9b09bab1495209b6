// smtp-sink(1): accepts and discards, the protocol ceiling of this client on this machine.
import { join } from 'node:path';
import { isAlive } from '../proc-tree.mjs';
import { freePort, spawnDaemon, stopGroup, waitForGreeting } from '../util.mjs';

/** @param {{ dir: string }} o */
export async function createSink({ dir }) {
  const port = await freePort();
  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  return {
    name: 'sink',
    label: 'smtp-sink (ceiling)',
    port,
    logFile: join(dir, 'smtp-sink.log'),
    async start() {
      // -u nobody: required when started as root. Backlog 1024 so connection bursts are not refused.
      child = spawnDaemon('smtp-sink', ['-u', 'nobody', '-4', `127.0.0.1:${port}`, '1024'], {
        logFile: this.logFile,
        cwd: dir,
      });
      const pid = child.pid;
      await waitForGreeting(port, {
        timeoutMs: 15_000,
        stillRunning: () => pid !== undefined && isAlive(pid),
      });
    },
    roots: () => (child?.pid ? [child.pid] : []),
    async beforeRound() {},
    /** Nothing is stored: "delivered" is "accepted". */
    async waitDelivered({ accepted, acceptedAtMs }) {
      return { delivered: accepted, lastDeliveryMs: acceptedAtMs };
    },
    async stop() {
      if (child?.pid) await stopGroup(child.pid, { timeoutMs: 5000 });
      child = null;
    },
    async verify() {
      return { note: 'smtp-sink discards messages' };
    },
  };
}
