// A server that stores nothing, run as one daemon on a free port: what it accepted is all it
// "delivered". smtp-sink and smtp-server alone are two of these.
import { join } from 'node:path';
import { freePort, startSmtpDaemon, stopGroup } from '../util.mjs';

/**
 * @param {{ name: string, label: string, dir: string, note: string,
 *   command: (port: number) => [string, string[]] }} o — `command` gives the program and its arguments.
 */
export async function createDiscardingServer({ name, label, dir, note, command }) {
  const port = await freePort();
  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  return {
    name,
    label,
    port,
    logFile: join(dir, `${name}.log`),
    async start() {
      const [cmd, args] = command(port);
      child = await startSmtpDaemon(cmd, args, { port, logFile: this.logFile, cwd: dir, timeoutMs: 15_000 });
    },
    roots: () => (child?.pid ? [child.pid] : []),
    async beforeRound() {},
    async waitDelivered({ accepted, acceptedAtMs }) {
      return { delivered: accepted, lastDeliveryMs: acceptedAtMs };
    },
    async stop() {
      if (child?.pid) await stopGroup(child.pid, { timeoutMs: 5000 });
      child = null;
    },
    async verify() {
      return { note };
    },
  };
}
