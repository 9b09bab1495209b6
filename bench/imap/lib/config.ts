// What a run of the IMAP benchmark is asked to do, and what it gives back.
import type { Phase, Round, StressCase } from './report.js';
import type { ServerName } from './servers.js';

export interface BenchConfig {
  servers: ServerName[];
  phases: Phase[];
  stressCases: StressCase[];
  rounds: number;
  /** Users, each loaded with `messages` messages of `minKb`–`maxKb` (make-mbox.py, `seed`). */
  users: number;
  messages: number;
  minKb: number;
  maxKb: number;
  seed: number;
  /** imaptest stress: sessions and seconds per run. */
  clients: number;
  secs: number;
  /** IDLE sessions to hold for the memory phase, and how long they may take to come up. */
  idleSessions: number;
  idleDeadlineSec: number;
  /** Most IDLE sessions one client process holds (more go to child processes). */
  sessionsPerProcess: number;
  /** IDLE sessions for the latency phase, and the deliveries timed. */
  latencySessions: number;
  deliveries: number;
  jdmailCli: string;
  jdmailEnv: Record<string, string>;
  /** scrypt cost (log2 N) of jdmail's bench users' password hashes; unset: jdmail's own (15). */
  jdmailScryptLn?: number;
  dovecotProcessLimit?: number;
  dovecotPasswordScheme: string;
  log: (line: string) => void;
}

export interface BenchRun {
  startedAt: string;
  config: Omit<BenchConfig, 'log'> & { log?: undefined };
  servers: Record<string, { label: string; load: { messages: number; bytes: number; ms: number } }>;
  rounds: Round[];
}
