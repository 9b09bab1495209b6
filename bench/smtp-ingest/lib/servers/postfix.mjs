// A throwaway Postfix instance: its own config, queue and data directories under `dir`, listening on
// 127.0.0.1:<port> only, delivering every message for bench.test with the `virtual` agent into one
// Maildir. The system instance (/etc/postfix, /var/spool/postfix) is never read for config nor written.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../proc-tree.mjs';
import { freePort, run, sleep, stopGroup, waitForGreeting, waitGone } from '../util.mjs';

const idOf = (flag, user) =>
  Number(execFileSync('id', [flag, user], { encoding: 'utf8', timeout: 5000 }).trim());

function mainCf({ dir, uid, gid, log, extra }) {
  const lines = [
    'compatibility_level = 3.6',
    `config_directory = ${dir}/conf`,
    `queue_directory = ${dir}/queue`,
    `data_directory = ${dir}/data`,
    'myhostname = postfix.bench.test',
    'mydomain = bench.test',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'mydestination =',
    'mynetworks = 127.0.0.0/8',
    'relayhost =',
    'alias_maps =',
    'alias_database =',
    'biff = no',
    'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
    // Every recipient in bench.test goes to one Maildir (trailing "/" = Maildir) as nobody.
    'virtual_mailbox_domains = bench.test',
    `virtual_mailbox_base = ${dir}/mail`,
    'virtual_mailbox_maps = static:rcpt/',
    `virtual_uid_maps = static:${uid}`,
    `virtual_gid_maps = static:${gid}`,
    'virtual_mailbox_limit = 0',
    'mailbox_size_limit = 0',
  ];
  // Without a syslog socket (none on these machines) log lines go nowhere; --postfix-log writes them
  // to a file through postlogd, whose CPU then counts against Postfix.
  if (log) lines.push(`maillog_file = ${dir}/maillog`, `maillog_file_prefixes = ${dir}`);
  lines.push(...extra);
  return `${lines.join('\n')}\n`;
}

// Stock Debian services without chroot (the temp dir is not set up as a chroot jail).
const masterCf = (port) => `127.0.0.1:${port} inet n - n - - smtpd
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
proxywrite unix  - - n -     1 proxymap
smtp       unix  - - n -     - smtp
relay      unix  - - n -     - smtp
showq      unix  n - n -     - showq
error      unix  - - n -     - error
retry      unix  - - n -     - error
discard    unix  - - n -     - discard
local      unix  - n n -     - local
virtual    unix  - n n -     - virtual
anvil      unix  - - n -     1 anvil
scache     unix  - - n -     1 scache
postlog    unix-dgram n - n - 1 postlogd
`;

const countDir = (path) => {
  try {
    return readdirSync(path).length;
  } catch {
    return 0;
  }
};

/** @param {{ dir: string, log: boolean, extra: string[] }} o */
export async function createPostfix({ dir, log, extra }) {
  const port = await freePort();
  const conf = join(dir, 'conf');
  const queue = join(dir, 'queue');
  const maildir = join(dir, 'mail', 'rcpt');
  const uid = idOf('-u', 'nobody');
  const gid = idOf('-g', 'nobody');
  let masterPid = 0;
  let trash = 0;

  const postfix = (verb) => run('postfix', ['-c', conf, verb], { timeoutMs: 60_000 });
  const queued = () => ['incoming', 'active', 'maildrop'].reduce((n, q) => n + countDir(join(queue, q)), 0);

  return {
    name: 'postfix',
    label: 'Postfix (Maildir)',
    port,
    logFile: join(dir, 'maillog'),
    async start() {
      chmodSync(dir, 0o755); // the postfix and nobody users must traverse it
      for (const d of ['conf', 'queue', 'data', 'mail']) mkdirSync(join(dir, d), { recursive: true });
      chownSync(join(dir, 'data'), idOf('-u', 'postfix'), 0); // data_directory belongs to mail_owner
      chownSync(join(dir, 'mail'), uid, gid);
      writeFileSync(join(conf, 'main.cf'), mainCf({ dir, uid, gid, log, extra }));
      writeFileSync(join(conf, 'master.cf'), masterCf(port));
      await postfix('check');
      await postfix('start'); // creates the queue directories with the right owners, then starts master
      masterPid = Number(readFileSync(join(queue, 'pid', 'master.pid'), 'utf8').trim());
      await waitForGreeting(port, { timeoutMs: 30_000, stillRunning: () => isAlive(masterPid) });
    },
    roots: () => (masterPid ? [masterPid] : []),
    /** Lets the queue drain, then empties the Maildir so each round counts from zero. */
    async beforeRound() {
      for (let i = 0; i < 300 && queued() > 0; i++) await sleep(100);
      const fresh = join(maildir, 'new');
      if (!existsSync(fresh)) return;
      const old = join(maildir, `old-${trash++}`);
      renameSync(fresh, old);
      mkdirSync(fresh, { mode: 0o700 });
      chownSync(fresh, uid, gid);
      rmSync(old, { recursive: true, force: true });
    },
    /**
     * Polls the Maildir until `accepted` files are in new/ (or the deadline, or no progress for
     * `stallMs`). The delivery time is the newest ctime in new/: ctime changes when the virtual agent
     * links the fsync'ed file from tmp/ into new/, i.e. when the message became visible and durable.
     */
    async waitDelivered({ accepted, timeoutMs, stallMs = 60_000 }) {
      const fresh = join(maildir, 'new');
      const deadline = Date.now() + timeoutMs;
      let count = 0;
      let lastChange = Date.now();
      while (Date.now() < deadline && Date.now() - lastChange < stallMs) {
        const n = countDir(fresh);
        if (n !== count) lastChange = Date.now();
        count = n;
        if (count >= accepted) break;
        await sleep(100);
      }
      let lastDeliveryMs = 0;
      for (const name of existsSync(fresh) ? readdirSync(fresh) : []) {
        try {
          lastDeliveryMs = Math.max(lastDeliveryMs, statSync(join(fresh, name)).ctimeMs);
        } catch {
          // vanished: cannot happen unless someone else touches the Maildir
        }
      }
      return { delivered: count, lastDeliveryMs, deferred: countDir(join(queue, 'deferred')) };
    },
    async stop() {
      if (!masterPid) return;
      await postfix('stop').catch(() => {});
      if (!(await waitGone(masterPid, 15_000))) await postfix('abort').catch(() => {});
      await stopGroup(masterPid, { timeoutMs: 5000 });
      masterPid = 0;
    },
    async verify() {
      return {
        maildirNew: countDir(join(maildir, 'new')),
        queueLeft: queued(),
        deferred: countDir(join(queue, 'deferred')),
      };
    },
  };
}
