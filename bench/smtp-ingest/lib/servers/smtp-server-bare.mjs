// jdmail's SMTP layer alone: the smtp-server subclass jdmail listens with (PromptSMTPServer, from the
// same build as the jdmail under test), with nothing behind it. Every message is read to its end and
// thrown away; no lookup, no parse, no store. What it reaches is the ceiling jdmail's SMTP library
// sets on this machine, so the distance from it to jdmail is what jdmail's own work costs.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDiscardingServer } from './discarding.mjs';

const SELF = fileURLToPath(import.meta.url);

/** @param {{ dir: string, cli: string }} o — `cli` is jdmail's built CLI; its dist holds the SMTP layer. */
export function createBareSmtpServer({ dir, cli }) {
  const dist = resolve(dirname(cli), '..');
  return createDiscardingServer({
    name: 'smtp-server',
    label: 'smtp-server alone (jdmail without its work)',
    dir,
    note: 'smtp-server alone discards messages',
    command: (port) => [process.execPath, [SELF, dist, String(port)]],
  });
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
