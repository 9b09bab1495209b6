// Types of report.mjs for its TypeScript sample test.
import type { ClaimResult, OutboundConfig, OutboundRound } from './bench.mjs';
export function summarize(rounds: OutboundRound[]): Record<string, Record<string, number>>;
export function markdown(input: {
  rounds: OutboundRound[];
  claim: ClaimResult[];
  config: Pick<OutboundConfig, 'messages' | 'size' | 'sessions' | 'connections' | 'rounds'>;
  machine?: string;
}): string;
