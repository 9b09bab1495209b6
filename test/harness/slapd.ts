import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

/** Where Debian's slapd looks for modules and ships its schemas. */
const MODULE_PATH = '/usr/lib/ldap';
const SCHEMA_DIR = '/etc/ldap/schema';
const SLAPD = process.env.JDMAIL_TEST_SLAPD ?? '/usr/sbin/slapd';

/** The schema with the Active Directory attributes the AD preset reads (our own, see the file). */
export const AD_SCHEMA = resolve(dirname(fileURLToPath(import.meta.url)), 'ad-lite.schema');

export interface SlapdOptions {
  /** Naming context; default `dc=example,dc=com`. */
  suffix?: string;
  /** Extra schema files included after the standard ones (e.g. {@link AD_SCHEMA}). */
  schemas?: string[];
  /** Also listen with TLS: StartTLS on the ldap:// port and `ldaps://` on another, with a fresh CA. */
  tls?: boolean;
  /** Add the suffix's own entry (default true); false when the LDIF to load brings it. */
  baseEntry?: boolean;
  /** The object class whose `member` values the memberof overlay follows (default groupOfNames; AD: group). */
  memberOfGroupClass?: string;
}

/** A throwaway OpenLDAP server owned by a test file. */
export interface Slapd {
  /** `ldap://127.0.0.1:PORT` */
  url: string;
  /** `ldaps://localhost:PORT` when started with `tls`. */
  ldapsUrl: string | undefined;
  /** PEM file of the CA that signed the server certificate (with `tls`). */
  caFile: string | undefined;
  port: number;
  suffix: string;
  /** The root DN and its password: may write anything. */
  rootDn: string;
  rootPassword: string;
  /** Adds entries (LDIF) with one `ldapadd` call against the running server, so overlays see them. */
  add(ldif: string): Promise<void>;
  /** Applies changes (LDIF with `changetype:`) with `ldapmodify`. */
  modify(ldif: string): Promise<void>;
  /** Stops the server (SIGTERM); the data stays, so `start()` brings the same directory back. */
  halt(): Promise<void>;
  /** Starts it again on the same port(s) after `halt()`. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

const run = (cmd: string, args: string[], input?: string) =>
  new Promise<string>((res, rej) => {
    const child = execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? rej(new Error(`${cmd} ${args[0] ?? ''} failed: ${stderr || err.message}`)) : res(stdout),
    );
    child.stdin?.end(input ?? '');
  });

function config(
  dir: string,
  o: Required<Pick<SlapdOptions, 'suffix' | 'schemas' | 'memberOfGroupClass'>>,
  tls: boolean,
): string {
  const schemas = ['core', 'cosine', 'inetorgperson', 'nis'].map((s) => join(SCHEMA_DIR, `${s}.schema`));
  return [
    ...[...schemas, ...o.schemas].map((s) => `include ${s}`),
    `modulepath ${MODULE_PATH}`,
    'moduleload back_mdb',
    'moduleload memberof',
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    ...(tls
      ? [
          `TLSCACertificateFile ${join(dir, 'ca.pem')}`,
          `TLSCertificateFile ${join(dir, 'server.pem')}`,
          `TLSCertificateKeyFile ${join(dir, 'server.key')}`,
        ]
      : []),
    // Paging (RFC 2696) must be exercised: no size limit for paged searches, 500 otherwise (the default).
    'sizelimit size.soft=500 size.hard=500 size.pr=noEstimate size.prtotal=unlimited',
    'database mdb',
    'maxsize 268435456',
    // A throwaway directory: no fsync per write, so loading thousands of entries takes a second or two.
    'dbnosync',
    `suffix "${o.suffix}"`,
    `rootdn "cn=admin,${o.suffix}"`,
    'rootpw secret',
    `directory ${join(dir, 'data')}`,
    'index objectClass eq',
    'index uid,mail,cn eq,sub',
    'index entryUUID eq',
    'index modifyTimestamp eq',
    'overlay memberof',
    `memberof-group-oc ${o.memberOfGroupClass}`,
    'access to attrs=userPassword by self write by anonymous auth by * none',
    'access to * by * read',
    '',
  ].join('\n');
}

/** A CA and a server certificate for `localhost`/127.0.0.1, made with the openssl CLI. */
async function makeCertificates(dir: string): Promise<void> {
  const at = (f: string) => join(dir, f);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=jdmail test CA',
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.pem'),
  ]);
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    at('server.key'),
    '-out',
    at('server.csr'),
  ]);
  await writeFile(at('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.pem'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    at('ext.cnf'),
    '-out',
    at('server.pem'),
  ]);
}

async function answers(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

/**
 * Starts OpenLDAP's slapd on a free loopback port with its own `slapd.conf`
 * (mdb, the memberof overlay) in a temp dir, and the base entry of the suffix.
 * Ready in well under a second. Always `stop()` it: a server still running
 * when the test process exits is killed then.
 */
export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  const suffix = options.suffix ?? 'dc=example,dc=com';
  const dir = await mkdtemp(join(tmpdir(), 'jdmail-slapd-'));
  await mkdir(join(dir, 'data'));
  const tls = options.tls ?? false;
  if (tls) await makeCertificates(dir);
  const conf = join(dir, 'slapd.conf');
  await writeFile(
    conf,
    config(
      dir,
      {
        suffix,
        schemas: options.schemas ?? [],
        memberOfGroupClass: options.memberOfGroupClass ?? 'groupOfNames',
      },
      tls,
    ),
  );
  const port = await freePort();
  const tlsPort = tls ? await freePort() : 0;
  const url = `ldap://127.0.0.1:${port}`;
  const rootDn = `cn=admin,${suffix}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const onExit = () => child?.kill('SIGKILL');
  process.once('exit', onExit);

  async function start(): Promise<void> {
    const urls = [`${url}/`, ...(tls ? [`ldaps://127.0.0.1:${tlsPort}/`] : [])].join(' ');
    const output: string[] = [];
    // -d 0: stay in the foreground (no debug output), so the child is the server itself.
    child = spawn(SLAPD, ['-h', urls, '-f', conf, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    const proc = child;
    exited = new Promise((r) => proc.once('exit', () => r()));
    for (let i = 0; i < 200; i++) {
      if (proc.exitCode !== null) throw new Error(`slapd exited with ${proc.exitCode}: ${output.join('')}`);
      if (await answers(port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`slapd did not answer on ${port}: ${output.join('')}`);
  }

  async function halt(): Promise<void> {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    child = undefined;
  }

  const ldap = (tool: string, ldif: string) =>
    run(tool, ['-x', '-H', url, '-D', rootDn, '-w', 'secret'], ldif).then(() => undefined);
  const rdn = /^dc=([^,]+)/i.exec(suffix)?.[1] ?? 'example';
  try {
    await start();
    if (options.baseEntry ?? true)
      await ldap(
        'ldapadd',
        `dn: ${suffix}\nobjectClass: dcObject\nobjectClass: organization\no: ${rdn}\ndc: ${rdn}\n`,
      );
  } catch (err) {
    // Never leave a server behind when the start itself fails.
    await halt();
    process.off('exit', onExit);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    url,
    ldapsUrl: tls ? `ldaps://localhost:${tlsPort}` : undefined,
    caFile: tls ? join(dir, 'ca.pem') : undefined,
    port,
    suffix,
    rootDn,
    rootPassword: 'secret',
    add: (ldif) => ldap('ldapadd', ldif),
    modify: (ldif) => ldap('ldapmodify', ldif),
    halt,
    start,
    async stop() {
      await halt();
      process.off('exit', onExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
