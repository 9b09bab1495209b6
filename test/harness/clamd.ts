import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

const CLAMD = process.env.JDMAIL_TEST_CLAMD ?? '/usr/sbin/clamd';

/**
 * The EICAR anti-virus test file (eicar.org): 68 bytes every scanner reports
 * as a virus, harmless by design. Built from two halves so that no scanner
 * on a developer's machine flags this source file.
 */
export const EICAR = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR', '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join('');

export interface ClamdOptions {
  /** clamd's `StreamMaxLength`, e.g. `25M` (its default) or `64K`. */
  streamMaxLength?: string;
}

/** A throwaway clamd on a loopback port and a unix socket, with a database of one signature (EICAR). */
export interface Clamd {
  /** `tcp://127.0.0.1:PORT` */
  tcp: string;
  /** `unix:/TMP/clamd.sock` */
  unix: string;
  port: number;
  /** Stops clamd (SIGTERM) and waits for it to exit; `start()` brings it back on the same port. */
  halt(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

/** Answers `zPING` with `PONG`: clamd has loaded its database and takes commands. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let reply = '';
    s.setTimeout(1000, () => s.destroy());
    s.on('connect', () => s.write('zPING\0'));
    s.on('data', (d) => {
      reply += d.toString('latin1');
    });
    s.on('close', () => resolve(reply.startsWith('PONG')));
    s.on('error', () => {});
  });
}

/**
 * Starts clamd as /work/shared/REAL-SERVERS.md describes: no signatures can
 * be downloaded here and clamd refuses an empty database, so the database is
 * one NDB signature matching the EICAR string anywhere (clamd also finds it
 * inside archives and decoded MIME parts, which is what the tests check).
 */
export async function startClamd(options: ClamdOptions = {}): Promise<Clamd> {
  const dir = await mkdtemp(join(tmpdir(), 'jdmail-clamd-'));
  const db = join(dir, 'db');
  await mkdir(db);
  await writeFile(
    join(db, 'eicar.ndb'),
    `Eicar-Test-Signature-NDB:0:*:${Buffer.from(EICAR, 'latin1').toString('hex')}\n`,
  );
  const port = await freePort();
  const socketPath = join(dir, 'clamd.sock');
  const conf = join(dir, 'clamd.conf');
  await writeFile(
    conf,
    [
      'Foreground yes',
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      `LocalSocket ${socketPath}`,
      `DatabaseDirectory ${db}`,
      `PidFile ${join(dir, 'clamd.pid')}`,
      `LogFile ${join(dir, 'clamd.log')}`,
      `StreamMaxLength ${options.streamMaxLength ?? '25M'}`,
      'MaxThreads 4',
      'SelfCheck 0',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | null = null;

  async function start(): Promise<void> {
    const proc = spawn(CLAMD, [`--config-file=${conf}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (d) => {
      stderr += d;
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`clamd exited (${proc.exitCode}): ${stderr}`);
      if (await pings(port)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    proc.kill('SIGKILL');
    throw new Error(`clamd did not answer on port ${port}: ${stderr}`);
  }

  async function halt(): Promise<void> {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return {
    tcp: `tcp://127.0.0.1:${port}`,
    unix: `unix:${socketPath}`,
    port,
    halt,
    start,
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
