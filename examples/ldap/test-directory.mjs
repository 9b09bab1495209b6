#!/usr/bin/env node
// Starts a throwaway OpenLDAP (Debian's slapd: apt-get install slapd ldap-utils)
// on 127.0.0.1:3389 holding directory.ldif, for trying config.json. Ctrl-C
// stops it and removes its files. PORT=… picks another port.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.PORT ?? 3389);
const dir = mkdtempSync(join(tmpdir(), 'jdmail-example-ldap-'));
mkdirSync(join(dir, 'data'));
const schema = (s) => `include /etc/ldap/schema/${s}.schema`;
writeFileSync(
  join(dir, 'slapd.conf'),
  [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map(schema),
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    'moduleload memberof',
    `pidfile ${join(dir, 'slapd.pid')}`,
    'database mdb',
    'suffix "dc=example,dc=com"',
    'rootdn "cn=admin,dc=example,dc=com"',
    'rootpw secret',
    `directory ${join(dir, 'data')}`,
    'overlay memberof',
    'access to attrs=userPassword by self write by anonymous auth by * none',
    'access to * by * read',
    '',
  ].join('\n'),
);
const slapd = spawn('slapd', ['-h', `ldap://127.0.0.1:${port}/`, '-f', join(dir, 'slapd.conf'), '-d', '0'], {
  stdio: 'inherit',
});
const stop = () => {
  slapd.kill('SIGTERM');
  slapd.once('exit', () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

const answers = () =>
  new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
for (let i = 0; i < 100 && !(await answers()); i++) await new Promise((r) => setTimeout(r, 50));
execFileSync(
  'ldapadd',
  [
    '-x',
    '-H',
    `ldap://127.0.0.1:${port}`,
    '-D',
    'cn=admin,dc=example,dc=com',
    '-w',
    'secret',
    '-f',
    join(here, 'directory.ldif'),
  ],
  {
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
console.log(`test directory ready on ldap://127.0.0.1:${port} (Ctrl-C stops it)`);
