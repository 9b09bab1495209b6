// Types of bench.mjs for its TypeScript sample test.
export interface OutboundConfig {
  servers: ('postfix' | 'jdmail')[];
  messages: number;
  size: number;
  sessions: number;
  connections: number;
  rounds: number;
  warmup: number;
  timeoutMs: number;
  stallMs?: number;
  jdmailCli: string;
  serverDist: string;
  claimRows: number[];
  claims: number;
  claimBatch: number;
  postfixLog?: boolean;
  keep?: boolean;
  log: (line: string) => void;
}
export interface OutboundRound {
  round: number;
  server: string;
  ok: boolean;
  errors: string[];
  messages: number;
  accepted: number;
  delivered: number;
  acceptSec: number;
  deliverSec: number;
  acceptedPerSec: number;
  deliveredPerSec: number;
  cpuMs: number;
  cpuMsPerMsg: number;
  otherCpuMsPerMsg: number;
}
export interface ClaimResult {
  rows: number;
  claims: number;
  batch: number;
  claimed: number;
  medianMs: number;
  p95Ms: number;
  fillSec: number;
}
export function runBenchmark(cfg: OutboundConfig): Promise<{ rounds: OutboundRound[]; claim: ClaimResult[] }>;
