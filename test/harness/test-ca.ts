import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (args: string[], cwd: string) =>
  new Promise<void>((res, rej) => {
    execFile('openssl', args, { cwd }, (err, _out, stderr) =>
      err ? rej(new Error(`openssl ${args[0]}: ${stderr}`)) : res(),
    );
  });

/** A key and certificate (PEM) for a test server. */
export interface TestCertificate {
  key: string;
  cert: string;
}

/** A throwaway certificate authority made with the openssl CLI (P-256 keys: fast). */
export interface TestCa {
  /** The CA certificate (PEM): trust it to verify what it issued. */
  caPem: string;
  /** Its file, for NODE_EXTRA_CA_CERTS or a caFile setting. */
  caFile: string;
  /** A certificate for the given DNS names (and 127.0.0.1, ::1), signed by this CA. */
  issue(names: string[]): Promise<TestCertificate>;
  /** A self-signed certificate nobody trusts, for the given names. */
  selfSigned(names: string[]): Promise<TestCertificate>;
  remove(): Promise<void>;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function san(names: string[]): string {
  return `subjectAltName=${[...names.map((n) => `DNS:${n}`), 'IP:127.0.0.1', 'IP:::1'].join(',')}`;
}

/** Creates a CA in a temp directory. */
export async function createTestCa(): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'jdmail-ca-'));
  await run(
    [
      'req',
      '-x509',
      ...EC,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=jdmail test CA',
    ],
    dir,
  );
  let serial = 0;
  const caPem = await readFile(join(dir, 'ca.pem'), 'utf8');
  return {
    caPem,
    caFile: join(dir, 'ca.pem'),
    async issue(names) {
      const n = ++serial;
      const [key, csr, crt, ext] = [`s${n}.key`, `s${n}.csr`, `s${n}.pem`, `s${n}.ext`];
      await run(['req', ...EC, '-keyout', key, '-out', csr, '-subj', `/CN=${names[0] ?? 'localhost'}`], dir);
      await writeFile(join(dir, ext), `${san(names)}\n`);
      const sign = ['x509', '-req', '-in', csr, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-days', '2'];
      await run([...sign, '-set_serial', String(1000 + n), '-out', crt, '-extfile', ext], dir);
      return { key: await readFile(join(dir, key), 'utf8'), cert: await readFile(join(dir, crt), 'utf8') };
    },
    async selfSigned(names) {
      const n = ++serial;
      await run(
        [
          'req',
          '-x509',
          ...EC,
          '-keyout',
          `x${n}.key`,
          '-out',
          `x${n}.pem`,
          '-days',
          '2',
          '-subj',
          `/CN=${names[0] ?? 'localhost'}`,
          '-addext',
          san(names),
        ],
        dir,
      );
      return {
        key: await readFile(join(dir, `x${n}.key`), 'utf8'),
        cert: await readFile(join(dir, `x${n}.pem`), 'utf8'),
      };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
