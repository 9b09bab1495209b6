// jdmail's SMTP layer alone: the smtp-server subclass jdmail listens with (PromptSMTPServer, from the
// same build as the jdmail under test), with nothing behind it. Every message is read to its end and
// thrown away; no lookup, no parse, no store. What it reaches is the ceiling jdmail's SMTP library
// sets on this machine, so the distance from it to jdmail is what jdmail's own work costs.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAlive } from '../proc-tree.mjs';
import { freePort, spawnDaemon, stopGroup, waitForGreeting } from '../util.mjs';

const SELF = fileURLToPath(import.meta.url);

/** @param {{ dir: string, cli: string }} o — `cli` is jdmail's built CLI; its dist holds the SMTP layer. */
export async function createBareSmtpServer({ dir, cli }) {
  const port = await freePort();
  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  return {
    name: 'smtp-server',
    label: 'smtp-server alone (jdmail without its work)',
    port,
    logFile: join(dir, 'smtp-server.log'),
    async start() {
      const dist = resolve(dirname(cli), '..');
      child = spawnDaemon(process.execPath, [SELF, dist, String(port)], { logFile: this.logFile, cwd: dir });
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
      return { note: 'smtp-server alone discards messages' };
    },
  };
}

/** The server process: `node smtp-server-bare.mjs <jdmail dist dir> <port>`. */
async function serve(dist, port) {
  const { PromptSMTPServer } = await import(pathToFileURL(join(dist, 'smtp/prompt-greeting.js')).href);
  const server = new PromptSMTPServer({
    // As jdmail's MX listener, minus what smtp-source does not use.
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    size: 100 * 1024 * 1024,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => callback());
    },
  });
  server.on('error', (err) => console.error(err));
  server.listen(Number(port), '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}

if (process.argv[1] === SELF) await serve(process.argv[2], process.argv[3]);
