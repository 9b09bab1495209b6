// Types for proc-tree.mjs, so that the TypeScript benchmarks (bench/imap) can use it.

/** Kernel clock ticks per second (USER_HZ). */
export const CLK_TCK: number;

export interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
  ticks: number;
}

export function readStat(pid: number): ProcStat | null;
/** Live processes that are one of `roots` or descend from one. */
export function listTree(roots: number[]): ProcStat[];
export function listGroup(pgid: number): ProcStat[];
export function isAlive(pid: number): boolean;
/** Total CPU (user + system, including reaped children) of the tree, in milliseconds. */
export function treeCpuMs(roots: number[]): number;
/** Machine-wide busy and iowait CPU time, in milliseconds. */
export function systemCpuMs(): { busyMs: number; iowaitMs: number };
/** Samples the tree's summed RSS and PSS until stopped and keeps the peaks. */
export function startMemSampler(
  getRoots: () => number[],
  intervalMs?: number,
): { stop(): { peakRssKb: number; peakPssKb: number; maxProcs: number; samples: number } };
