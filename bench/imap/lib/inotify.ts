// Dovecot's IDLE learns of new mail through inotify, one instance per imap process, all of one
// system user (here `nobody`). The kernel's default of 128 instances per user is far below a
// thousand sessions: past it Dovecot logs "Inotify instance limit … exceeded, disabling" and falls
// back to checking every 30 s (mailbox_idle_check_interval), which would measure the sysctl, not
// Dovecot. Its documentation says to raise fs.inotify.max_user_instances; as root the benchmark
// does, for the run, and puts the old value back at the end.
import { readFileSync, writeFileSync } from 'node:fs';

const SYSCTL = '/proc/sys/fs/inotify/max_user_instances';

/** Raises max_user_instances to at least `wanted` if it can; returns how to undo it. */
export function raiseInotifyInstances(wanted: number, log: (line: string) => void): () => void {
  let before: number;
  try {
    before = Number(readFileSync(SYSCTL, 'utf8').trim());
  } catch {
    return () => {};
  }
  if (before >= wanted) return () => {};
  try {
    writeFileSync(SYSCTL, String(wanted));
    log(
      `fs.inotify.max_user_instances ${before} → ${wanted} for this run (Dovecot's IDLE needs one per session)`,
    );
  } catch {
    log(
      `warning: fs.inotify.max_user_instances is ${before}: Dovecot's IDLE sessions past that poll every 30 s ` +
        '(run as root to let the benchmark raise it)',
    );
    return () => {};
  }
  return () => {
    try {
      writeFileSync(SYSCTL, String(before));
    } catch {
      // left raised: harmless
    }
  };
}
