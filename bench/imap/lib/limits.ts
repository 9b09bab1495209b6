// Open-file limits: 20,000 IMAP sessions need 20,000 descriptors in the client (this process) and
// in the server, more than the usual soft limit. As root, prlimit raises both.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What the benchmark raises the limit to (below the kernel's nr_open of 1,048,576). */
export const FD_LIMIT = 200_000;

/** This process's soft limit on open files. */
export function fdLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.trim().split(/\s+/)[3] ?? 1024);
}

let raisable: boolean | undefined;

/**
 * True when `prlimit` can raise the hard limit to {@link FD_LIMIT}: root with CAP_SYS_RESOURCE.
 * (A container without that capability keeps the hard limit it was started with; Node raises the
 * soft limit to the hard one by itself, so that much every process has.)
 */
export function canRaiseLimits(): boolean {
  if (raisable === undefined) {
    try {
      execFileSync('prlimit', [`--nofile=${FD_LIMIT}:${FD_LIMIT}`, 'true'], { stdio: 'ignore' });
      raisable = true;
    } catch {
      raisable = false;
    }
  }
  return raisable;
}

/** This process's hard limit on open files. */
export function fdHardLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.trim().split(/\s+/)[4] ?? 1024);
}

/** Raises this process's open-file limit to at least `wanted` if it can; returns the limit now. */
export function raiseOwnFdLimit(wanted: number): number {
  if (fdLimit() >= wanted || !canRaiseLimits()) return fdLimit();
  execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${FD_LIMIT}:${FD_LIMIT}`]);
  return fdLimit();
}
