// Process-tree accounting from /proc: CPU time and memory of a server and all its descendants.
//
// CPU of a tree = Σ over live members of (utime + stime + cutime + cstime). A child that exits and is
// reaped moves its whole time (including its own reaped children) into its parent's cutime/cstime,
// so nothing is lost or counted twice as long as the tree's root stays alive — true for the Postfix
// master, smtp-sink and the jdmail process during a round. Zombies are ignored.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ), the unit of the times in /proc/<pid>/stat. */
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** @returns {{pid:number, ppid:number, pgrp:number, state:string, ticks:number} | null} */
export function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited meanwhile
  }
  // The command name is in parentheses and may contain spaces: fields start after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  return { pid, ppid: Number(f[1]), pgrp: Number(f[2]), state: f[0] ?? '?', ticks };
}

function allProcesses() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(Number(name));
    if (st && st.state !== 'Z') out.push(st);
  }
  return out;
}

/** Live processes that are one of `roots` or descend from one. */
export function listTree(roots) {
  const procs = allProcesses();
  const byParent = new Map();
  for (const p of procs) {
    const list = byParent.get(p.ppid) ?? [];
    list.push(p);
    byParent.set(p.ppid, list);
  }
  const wanted = new Set(roots.filter((pid) => Number.isInteger(pid) && pid > 0));
  const out = procs.filter((p) => wanted.has(p.pid));
  for (let i = 0; i < out.length; i++) {
    const current = out[i];
    if (current === undefined) break;
    for (const child of byParent.get(current.pid) ?? []) {
      if (!wanted.has(child.pid)) {
        wanted.add(child.pid);
        out.push(child);
      }
    }
  }
  return out;
}

/** Live (non-zombie) processes in process group `pgid`. */
export function listGroup(pgid) {
  return allProcesses().filter((p) => p.pgrp === pgid);
}

/** True when `pid` exists and is not a zombie. */
export function isAlive(pid) {
  const st = readStat(pid);
  return st !== null && st.state !== 'Z';
}

/** Total CPU (user + system, including reaped children) of the tree, in milliseconds. */
export function treeCpuMs(roots) {
  let ticks = 0;
  for (const p of listTree(roots)) ticks += p.ticks;
  return (ticks * 1000) / CLK_TCK;
}

/**
 * Machine-wide CPU from the first line of /proc/stat, in milliseconds: `busyMs` (user, nice, system,
 * irq, softirq, steal, across all cores) and `iowaitMs`. Busy time beyond the server's own shows what
 * the client, the harness and anything else on the machine used during a round.
 */
export function systemCpuMs() {
  const f =
    readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const [user = 0, nice = 0, system = 0, , iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  const toMs = (t) => (t * 1000) / CLK_TCK;
  return { busyMs: toMs(user + nice + system + irq + softirq + steal), iowaitMs: toMs(iowait) };
}

function memKb(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const rss = /^Rss:\s+(\d+) kB/m.exec(text);
    const pss = /^Pss:\s+(\d+) kB/m.exec(text);
    return { rss: Number(rss?.[1] ?? 0), pss: Number(pss?.[1] ?? 0) };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

/**
 * Samples the tree's summed RSS and PSS every `intervalMs` until stopped and keeps the peaks.
 * RSS summed over many processes counts shared pages (libc, the Postfix libraries) once per process;
 * PSS divides them among the sharers, so it is the fairer number for multi-process servers.
 */
export function startMemSampler(getRoots, intervalMs = 250) {
  let peakRssKb = 0;
  let peakPssKb = 0;
  let maxProcs = 0;
  let samples = 0;
  const sample = () => {
    let rss = 0;
    let pss = 0;
    const procs = listTree(getRoots());
    for (const p of procs) {
      const m = memKb(p.pid);
      rss += m.rss;
      pss += m.pss;
    }
    peakRssKb = Math.max(peakRssKb, rss);
    peakPssKb = Math.max(peakPssKb, pss);
    maxProcs = Math.max(maxProcs, procs.length);
    samples++;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakRssKb, peakPssKb, maxProcs, samples };
    },
  };
}
