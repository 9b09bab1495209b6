// jdmail from its built CLI (packages/server/dist/cli/main.js), with its own data dir and SMTP port.
// jdmail answers 250 to DATA only once the message is durable, so accepted == delivered-and-durable;
// after the run the `messages` table is counted as a cross-check.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, run, startSmtpDaemon, stopGroup } from '../util.mjs';

const COUNT_SQL = 'SELECT COUNT(*) FROM messages';

async function countMessages(db) {
  const py = `import sqlite3,sys\nc=sqlite3.connect('file:'+sys.argv[1]+'?mode=ro',uri=True)\nprint(c.execute('${COUNT_SQL}').fetchone()[0])`;
  try {
    const { stdout } = await run('python3', ['-c', py, db], { timeoutMs: 60_000 });
    return Number(stdout.trim());
  } catch {
    const { stdout } = await run('sqlite3', ['-readonly', db, COUNT_SQL], { timeoutMs: 60_000 });
    return Number(stdout.trim());
  }
}

/** @param {{ dir: string, cli: string, nodeArgs?: string[], domain: string, user: string }} o */
export async function createJdmail({ dir, cli, nodeArgs = [], domain, user }) {
  if (!existsSync(cli)) {
    throw new Error(`jdmail CLI not found at ${cli}: run \`pnpm --filter @jdmail/server build\` first`);
  }
  const port = await freePort();
  const dataDir = join(dir, 'data');
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    JDMAIL_DATA_DIR: dataDir,
    JDMAIL_HOST: '127.0.0.1',
    JDMAIL_SMTP_PORT: String(port),
    JDMAIL_SUBMISSION_PORT: '0',
    JDMAIL_HTTP_PORT: '0',
    JDMAIL_LOG_LEVEL: 'warn',
  };
  const jdmail = (...args) => run(process.execPath, [cli, ...args], { env, timeoutMs: 120_000, cwd: dir });
  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;

  return {
    name: 'jdmail',
    label: 'jdmail',
    port,
    logFile: join(dir, 'jdmail.log'),
    async start() {
      await jdmail('init');
      await jdmail('domain', 'add', domain);
      await jdmail('user', 'add', user, '--password', 'bench-password-x');
      child = await startSmtpDaemon(process.execPath, [...nodeArgs, cli, 'start'], {
        port,
        env,
        logFile: this.logFile,
        cwd: dir,
        timeoutMs: 60_000,
      });
    },
    roots: () => (child?.pid ? [child.pid] : []),
    async beforeRound() {},
    /** A 250 is only sent once the message is durable: the last 250 is the last delivery. */
    async waitDelivered({ accepted, acceptedAtMs }) {
      return { delivered: accepted, lastDeliveryMs: acceptedAtMs };
    },
    async stop() {
      if (child?.pid) await stopGroup(child.pid, { timeoutMs: 20_000 });
      child = null;
    },
    /** Runs after stop(): the number of stored messages, to compare with the number accepted. */
    async verify() {
      const db = join(dataDir, 'jdmail.db');
      if (!existsSync(db)) return { stored: null, note: `no database at ${db}` };
      try {
        return { stored: await countMessages(db) };
      } catch (err) {
        return { stored: null, note: String(err) };
      }
    },
  };
}
