/**
 * The ingest part of bench/events: MX messages/s of this build (which writes
 * a `message.new` event in every delivery's transaction) against a baseline
 * build without the event log (`--baseline-cli`, e.g. main before issue 20),
 * interleaved round by round on one machine. See bench/README.md.
 */
import { startServer, type TestServer } from '../../test/harness/server.js';
import { loadMail } from './fanout.js';
import { api, cpuMsOf, median, smtpTransport } from './lib.js';

export interface IngestOptions {
  messages: number;
  rounds: number;
  sessions: number;
  baselineCli: string;
}

export interface IngestResult {
  withEvents: number[];
  baseline: number[];
  /** The server's CPU per message (ms), per round. */
  cpuWithEvents: number[];
  cpuBaseline: number[];
  /** 1 − median(with) / median(baseline). */
  cost: number;
}

/** One round: messages/s and the server's CPU ms per message. */
async function round(server: TestServer, messages: number, sessions: number): Promise<[number, number]> {
  const marker = `JDMAIL_DATA_DIR=${server.dataDir}\0`;
  const cpuBefore = cpuMsOf(marker);
  const t = smtpTransport(server.smtpPort, sessions);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < messages) {
      const i = next++;
      await t.sendMail({ envelope: { from: 'load@sender.test', to: ['rcpt@bench.test'] }, raw: loadMail(i) });
    }
  };
  await Promise.all(Array.from({ length: sessions }, worker));
  const rate = messages / ((performance.now() - started) / 1000);
  t.close();
  return [rate, (cpuMsOf(marker) - cpuBefore) / messages];
}

export async function runIngest(o: IngestOptions): Promise<IngestResult> {
  // The filter off on both: what is measured is the delivery path, where the event is written.
  const env = { JDMAIL_FILTER_ENABLED: 'false' };
  const servers = {
    withEvents: await startServer({ env }),
    baseline: await startServer({ env, cli: o.baselineCli }),
  };
  try {
    for (const s of Object.values(servers)) {
      await api(s, '/api/v1/domains', 'POST', { name: 'bench.test' });
      await api(s, '/api/v1/users', 'POST', { address: 'rcpt@bench.test' });
      await round(s, Math.min(1000, o.messages), o.sessions); // warm-up
    }
    const out = { withEvents: [] as number[], baseline: [] as number[] };
    const cpu = { withEvents: [] as number[], baseline: [] as number[] };
    for (let r = 0; r < o.rounds; r++) {
      // Alternate which goes first, so drift on the machine lands on both.
      const order =
        r % 2 === 0 ? (['withEvents', 'baseline'] as const) : (['baseline', 'withEvents'] as const);
      for (const name of order) {
        const [rate, ms] = await round(servers[name], o.messages, o.sessions);
        out[name].push(rate);
        cpu[name].push(ms);
      }
    }
    return {
      ...out,
      cpuWithEvents: cpu.withEvents,
      cpuBaseline: cpu.baseline,
      cost: 1 - median(out.withEvents) / median(out.baseline),
    };
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.destroy()));
  }
}
