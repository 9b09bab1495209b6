import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

const UNBOUND = process.env.JDMAIL_TEST_UNBOUND ?? '/usr/sbin/unbound';
const UNBOUND_CONTROL = process.env.JDMAIL_TEST_UNBOUND_CONTROL ?? '/usr/sbin/unbound-control';

/**
 * Test zones: zone name → its records in zone-file syntax
 * (`'example.test. 300 IN MX 10 mx.example.test.'`). Each zone gets an SOA
 * (negative answers carry its minimum, 60 s) unless its records bring one.
 */
export type Zones = Record<string, string[]>;

/** A TXT rdata in zone-file form: quoted strings of at most 255 octets (RFC 1035 §3.3.14). */
export function txt(value: string): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 255) parts.push(`"${value.slice(i, i + 255)}"`);
  return parts.join(' ');
}

/**
 * Zones for `startUnbound` from a list of zone names and records: each record
 * goes to the longest zone its owner name falls in (names without the dot).
 */
export function zonesOf(names: readonly string[], records: readonly string[]): Zones {
  const zones: Zones = Object.fromEntries(names.map((n) => [n, [] as string[]]));
  const byLength = [...names].sort((x, y) => y.length - x.length);
  for (const rr of records) {
    const owner = rr.split(/\s+/, 1)[0].replace(/\.$/, '').toLowerCase();
    const zone = byLength.find((z) => owner === z || owner.endsWith(`.${z}`));
    if (!zone) throw new Error(`no test zone for ${rr}`);
    zones[zone].push(rr);
  }
  return zones;
}

/** A throwaway unbound serving only the given zones, on 127.0.0.1 (and ::1) on a free port. */
export interface Unbound {
  /** `127.0.0.1:PORT`, the form `dns.servers` takes. */
  server: string;
  port: number;
  /** Adds (or replaces) one record while it runs (`unbound-control local_data`). */
  addRecord(rr: string): Promise<void>;
  /** Removes every record of one name (`unbound-control local_data_remove`). */
  removeName(name: string): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

const run = (cmd: string, args: string[]) =>
  new Promise<string>((res, rej) => {
    execFile(cmd, args, (err, stdout, stderr) =>
      err
        ? rej(new Error(`${cmd} ${args.join(' ')} failed: ${stderr || stdout || err.message}`))
        : res(stdout),
    );
  });

function quoteData(rr: string): string {
  return `local-data: '${rr.replaceAll("'", '"')}'`;
}

function config(dir: string, port: number, zones: Zones): string {
  const lines = [
    'server:',
    `  interface: 127.0.0.1@${port}`,
    `  interface: ::1@${port}`,
    '  do-ip6: yes',
    '  do-daemonize: no',
    '  chroot: ""',
    '  username: ""',
    `  directory: "${dir}"`,
    `  pidfile: "${join(dir, 'unbound.pid')}"`,
    '  use-syslog: no',
    '  logfile: ""',
    '  verbosity: 0',
    '  num-threads: 1',
    '  so-reuseport: no',
    '  module-config: "iterator"',
    '  do-not-query-localhost: no',
    '  access-control: 127.0.0.0/8 allow',
    '  access-control: ::1 allow',
  ];
  for (const [zone, records] of Object.entries(zones)) {
    const name = zone.endsWith('.') ? zone : `${zone}.`;
    lines.push(`  local-zone: "${name}" static`);
    if (!records.some((r) => /\sSOA\s/i.test(r))) {
      lines.push(`  ${quoteData(`${name} 300 IN SOA ns.${name} hostmaster.${name} 1 3600 600 86400 60`)}`);
    }
    for (const rr of records) lines.push(`  ${quoteData(rr)}`);
  }
  lines.push(
    'remote-control:',
    '  control-enable: yes',
    `  control-interface: "${join(dir, 'control.sock')}"`,
    '  control-use-cert: no',
  );
  return `${lines.join('\n')}\n`;
}

/** Starts Debian's unbound with `zones` and no upstream (it answers only for them), ready when it returns. */
export async function startUnbound(zones: Zones): Promise<Unbound> {
  const dir = await mkdtemp(join(tmpdir(), 'jdmail-unbound-'));
  const port = await freePort();
  const conf = join(dir, 'unbound.conf');
  await writeFile(conf, config(dir, port, zones));
  const child: ChildProcess = spawn(UNBOUND, ['-d', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  // `--`: the rest is the command, even where rdata starts with a dash (`-all`), which getopt would take for options.
  const control = (...args: string[]) => run(UNBOUND_CONTROL, ['-c', conf, '--', ...args]);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`unbound exited: ${stderr}`);
    try {
      await control('status');
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`unbound did not start: ${(err as Error).message} ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    server: `127.0.0.1:${port}`,
    port,
    addRecord: async (rr) => {
      await control('local_data', ...rr.split(/\s+/));
    },
    removeName: async (name) => {
      await control('local_data_remove', name);
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
