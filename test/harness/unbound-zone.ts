import { type ChildProcess, spawn } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

const UNBOUND = process.env.JDMAIL_TEST_UNBOUND ?? '/usr/sbin/unbound';

/** A throwaway DNS server (Debian's unbound) on 127.0.0.1 answering only for its test zones. */
export interface TestDns {
  /** `127.0.0.1:PORT`: what a resolver setting takes. */
  server: string;
  port: number;
  /** Serves these records instead (a restart on the same port: unbound reads local-data at start). */
  reload(records: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

/** A TXT rdata in zone-file form: quoted strings of at most 255 octets (RFC 1035 §3.3.14). */
export function txt(value: string): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 255) parts.push(`"${value.slice(i, i + 255)}"`);
  return parts.join(' ');
}

/**
 * The zones are the apexes of the records' names given in `zones`; each is
 * `static`, so a name in it that has no record is NXDOMAIN at once, and
 * unbound never tries to recurse (it has nowhere to: no network here).
 */
function config(dir: string, port: number, zones: readonly string[], records: readonly string[]): string {
  const quote = (r: string) => (r.includes('"') ? `'${r}'` : `"${r}"`);
  return [
    'server:',
    `  interface: 127.0.0.1@${port}`,
    '  do-daemonize: no',
    '  chroot: ""',
    '  username: ""',
    `  directory: "${dir}"`,
    `  pidfile: "${join(dir, 'unbound.pid')}"`,
    '  use-syslog: no',
    '  logfile: ""',
    '  verbosity: 0',
    '  num-threads: 1',
    '  do-not-query-localhost: no',
    '  module-config: "iterator"',
    '  access-control: 127.0.0.0/8 allow',
    ...zones.map((z) => `  local-zone: "${z}." static`),
    ...records.map((r) => `  local-data: ${quote(r)}`),
    '',
  ].join('\n');
}

/** Polls until the server answers a query (any answer: NXDOMAIN is an answer). */
async function ready(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const resolver = new Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`unbound exited ${child.exitCode}: ${output()}`);
    try {
      await resolver.resolveTxt('ready.invalid');
      return;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'EREFUSED' || code === 'ESERVFAIL') return;
    }
    if (Date.now() > deadline) throw new Error(`unbound did not answer on port ${port}: ${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts unbound serving `records` (`"name. TTL IN TYPE rdata"`) in the `zones` given (names without the dot). */
export async function startTestDns(zones: readonly string[], records: readonly string[]): Promise<TestDns> {
  const dir = await mkdtemp(join(tmpdir(), 'jdmail-unbound-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let out = '';

  async function start(list: readonly string[]) {
    const conf = join(dir, 'unbound.conf');
    await writeFile(conf, config(dir, port, zones, list));
    out = '';
    const c = spawn(UNBOUND, ['-d', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout?.on('data', (d) => {
      out += d;
    });
    c.stderr?.on('data', (d) => {
      out += d;
    });
    child = c;
    await ready(port, c, () => out);
  }

  async function halt() {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await gone;
  }

  await start(records);
  return {
    server: `127.0.0.1:${port}`,
    port,
    async reload(list) {
      await halt();
      await start(list);
    },
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
