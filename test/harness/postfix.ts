import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway Postfix receiving mail for some domains into one Maildir (learnt from bench/smtp-ingest). */
export interface PostfixReceiver {
  host: string;
  port: number;
  /** Messages delivered to the Maildir so far (files in new/). */
  delivered(): string[];
  /** Waits until `n` messages are in the Maildir (or the deadline). */
  waitDelivered(n: number, timeoutMs?: number): Promise<string[]>;
  /** Its log (maillog_file). */
  log(): string;
  stop(): Promise<void>;
}

export interface PostfixOptions {
  host: string;
  port: number;
  domains: string[];
  /** STARTTLS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

const idOf = (flag: string, user: string) =>
  Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
const postfixCmd = (conf: string, verb: string) =>
  new Promise<void>((res, rej) =>
    execFile('postfix', ['-c', conf, verb], { timeout: 60_000 }, (err, _o, stderr) =>
      err ? rej(new Error(`postfix ${verb}: ${stderr || err.message}`)) : res(),
    ),
  );

// Stock Debian services without chroot (the temp dir is no chroot jail).
const masterCf = (host: string, port: number) => `${host}:${port} inet n - n - - smtpd
pickup     unix  n - n 60    1 pickup
cleanup    unix  n - n -     0 cleanup
qmgr       unix  n - n 300   1 qmgr
rewrite    unix  - - n -     - trivial-rewrite
bounce     unix  - - n -     0 bounce
defer      unix  - - n -     0 bounce
trace      unix  - - n -     0 bounce
verify     unix  - - n -     1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -     - proxymap
smtp       unix  - - n -     - smtp
showq      unix  n - n -     - showq
error      unix  - - n -     - error
retry      unix  - - n -     - error
discard    unix  - - n -     - discard
local      unix  - n n -     - local
virtual    unix  - n n -     - virtual
anvil      unix  - - n -     1 anvil
scache     unix  - - n -     1 scache
tlsmgr     unix  - - n 1000? 1 tlsmgr
postlog    unix-dgram n - n - 1 postlogd
`;

/** Starts Postfix (as root: it drops to postfix/nobody itself); ready when it greets. */
export async function startPostfix(o: PostfixOptions): Promise<PostfixReceiver> {
  const dir = await mkdtemp(join(tmpdir(), 'jdmail-postfix-'));
  chmodSync(dir, 0o755);
  const conf = join(dir, 'conf');
  for (const d of ['conf', 'queue', 'data', 'mail']) mkdirSync(join(dir, d), { recursive: true });
  const [uid, gid] = [idOf('-u', 'nobody'), idOf('-g', 'nobody')];
  chownSync(join(dir, 'data'), idOf('-u', 'postfix'), 0);
  chownSync(join(dir, 'mail'), uid, gid);
  const lines = [
    'compatibility_level = 3.6',
    `config_directory = ${conf}`,
    `queue_directory = ${dir}/queue`,
    `data_directory = ${dir}/data`,
    'myhostname = postfix.receiver.test',
    // Postfix wants inet_interfaces to be interface addresses (127.0.0.14 is not one, though lo answers it);
    // master.cf binds the one address.
    'inet_interfaces = loopback-only',
    'inet_protocols = all',
    `maillog_file = ${dir}/maillog`,
    `maillog_file_prefixes = ${dir}`,
    'mydestination =',
    'mynetworks = 127.0.0.0/8 [::1]/128',
    'relayhost =',
    'alias_maps =',
    'alias_database =',
    'biff = no',
    'smtputf8_enable = yes',
    'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
    `virtual_mailbox_domains = ${o.domains.join(' ')}`,
    `virtual_mailbox_base = ${dir}/mail`,
    'virtual_mailbox_maps = static:rcpt/',
    `virtual_uid_maps = static:${uid}`,
    `virtual_gid_maps = static:${gid}`,
  ];
  if (o.tls) {
    writeFileSync(join(conf, 'tls.key'), o.tls.key, { mode: 0o600 });
    writeFileSync(join(conf, 'tls.pem'), o.tls.cert);
    lines.push(
      'smtpd_tls_security_level = may',
      `smtpd_tls_cert_file = ${conf}/tls.pem`,
      `smtpd_tls_key_file = ${conf}/tls.key`,
    );
  }
  writeFileSync(join(conf, 'main.cf'), `${lines.join('\n')}\n`);
  writeFileSync(join(conf, 'master.cf'), masterCf(o.host.includes(':') ? `[${o.host}]` : o.host, o.port));
  await postfixCmd(conf, 'start');
  await waitForGreeting(o.host, o.port);
  const fresh = join(dir, 'mail', 'rcpt', 'new');
  const delivered = () => {
    try {
      return readdirSync(fresh).map((f) => readFileSync(join(fresh, f), 'utf8'));
    } catch {
      return [];
    }
  };
  return {
    host: o.host,
    port: o.port,
    delivered,
    log: () => {
      try {
        return readFileSync(join(dir, 'maillog'), 'utf8');
      } catch {
        return '';
      }
    },
    async waitDelivered(n, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (delivered().length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      return delivered();
    },
    async stop() {
      await postfixCmd(conf, 'stop').catch(() => postfixCmd(conf, 'abort').catch(() => undefined));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForGreeting(host: string, port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, host);
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('220'));
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('postfix did not greet');
    await new Promise((r) => setTimeout(r, 100));
  }
}
