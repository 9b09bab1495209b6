import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';

/**
 * Who writes a temp file, so that the file of a writer that is gone can be
 * told from one still being written — also on storage several nodes share.
 * A temp file is named `<blobId>.<space>-<pid>.tmp`: `space` names the pid
 * space its writer ran in (this kernel's boot id and the pid namespace, on
 * Linux), `pid` the writing process. In the same space, a pid that is no
 * longer running wrote a file nobody will finish: it is removed at once (at
 * start, and by every sweep). A file of another space — another node,
 * another container, the time before a reboot — cannot be judged that way
 * and waits until nothing has written it for an hour, as does a file of the
 * old name (`<blobId>.tmp`) or of a system without /proc.
 */
function pidSpace(): string | null {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const namespace = readlinkSync('/proc/self/ns/pid');
    return createHash('sha256').update(`${boot} ${namespace}`).digest('hex').slice(0, 16);
  } catch {
    return null;
  }
}

let space: string | null | undefined;
const thisSpace = () => {
  space ??= pidSpace();
  return space;
};

/** The temp file name of `blobId` written by this process. */
export function tempName(blobId: string): string {
  const s = thisSpace();
  return s ? `${blobId}.${s}-${process.pid}.tmp` : `${blobId}.tmp`;
}

const TAGGED = /^[^.]+\.([0-9a-f]{16})-(\d+)\.tmp$/;

/** Whether the process named by pid runs in this pid space (EPERM: it does, as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the temp file `name` was written by a process of this pid space that has ended. */
export function writerIsGone(name: string): boolean {
  const m = TAGGED.exec(name);
  if (!m || m[1] !== thisSpace()) return false;
  const pid = Number(m[2]);
  return pid !== process.pid && !running(pid);
}
