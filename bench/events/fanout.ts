/**
 * The SSE fan-out part of bench/events: SUBSCRIBERS streams on one node,
 * all watching the `probe.test` domain, while SMTP ingest to another domain
 * runs flat out; a probe message every PROBE_INTERVAL ms goes to probe.test,
 * and each stream's receipt of its `message.new` is timed against the
 * probe's SMTP 250 (same process, same clock). See bench/README.md.
 */
import { Agent, request } from 'node:http';
import type { TestServer } from '../../test/harness/server.js';
import { api, percentile, smtpTransport } from './lib.js';

export interface FanoutOptions {
  subscribers: number;
  probes: number;
  probeIntervalMs: number;
  sessions: number;
}

export interface FanoutResult {
  subscribers: number;
  connected: number;
  probes: number;
  /** Receipts expected (subscribers × probes) and those that never came. */
  expected: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Background ingest during the probes. */
  ingestPerSecond: number;
  /** How long opening every stream took. */
  secondsToConnect: number;
}

/** Opens one SSE stream; calls `onIds` with the event ids of each chunk and the time it arrived. */
function openStream(
  server: TestServer,
  key: string,
  agent: Agent,
  onIds: (ids: string[], at: number, chunk: string) => void,
) {
  return new Promise<void>((resolve, reject) => {
    const url = new URL(`${server.baseUrl}/api/v1/events/stream?types=message.new`);
    const req = request(
      url,
      { agent, headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const at = performance.now();
          const ids = [...chunk.matchAll(/^id: (\d+)$/gm)].map((m) => m[1] as string);
          if (ids.length > 0) onIds(ids, at, chunk);
        });
        res.once('data', () => resolve());
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export async function runFanout(server: TestServer, o: FanoutOptions): Promise<FanoutResult> {
  await api(server, '/api/v1/domains', 'POST', { name: 'probe.test' });
  await api(server, '/api/v1/users', 'POST', { address: 'watched@probe.test' });
  const { key } = (await api(server, '/api/v1/api-keys', 'POST', {
    name: 'fanout',
    scopes: ['events:read'],
    domain: 'probe.test',
  })) as { key: string };
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  /** position → the probe's Message-ID (read once per event, from the first stream that gets it). */
  const probeOf = new Map<string, string>();
  /** position → receive times, one per stream. */
  const receipts = new Map<string, number[]>();
  const onIds = (ids: string[], at: number, chunk: string) => {
    for (const id of ids) {
      if (!probeOf.has(id)) probeOf.set(id, /"messageId":"(<[^"]+>)"/.exec(chunk)?.[1] ?? '');
      const list = receipts.get(id) ?? [];
      receipts.set(id, list);
      list.push(at);
    }
  };
  const t0 = performance.now();
  let connected = 0;
  for (let i = 0; i < o.subscribers; i += 250) {
    const batch = Array.from({ length: Math.min(250, o.subscribers - i) }, () =>
      openStream(server, key, agent, onIds).then(() => connected++),
    );
    await Promise.allSettled(batch);
  }
  const secondsToConnect = (performance.now() - t0) / 1000;

  // Background ingest at full speed, to a domain the streams do not see: its events are read and filtered, not sent.
  const ingest = smtpTransport(server.smtpPort, o.sessions);
  let ingesting = true;
  let ingested = 0;
  const worker = async () => {
    for (let i = 0; ingesting; i++) {
      await ingest.sendMail({
        envelope: { from: 'load@sender.test', to: ['rcpt@bench.test'] },
        raw: loadMail(i),
      });
      ingested++;
    }
  };
  const workers = Array.from({ length: o.sessions }, worker);
  const ingestStart = performance.now();
  const probeTransport = smtpTransport(server.smtpPort, 1);
  const sentAt = new Map<string, number>();
  for (let p = 0; p < o.probes; p++) {
    await new Promise((r) => setTimeout(r, o.probeIntervalMs));
    const messageId = `<probe-${p}-${Date.now()}@bench.test>`;
    await probeTransport.sendMail({
      envelope: { from: 'probe@sender.test', to: ['watched@probe.test'] },
      raw: `From: probe@sender.test\r\nTo: watched@probe.test\r\nSubject: probe ${p}\r\nMessage-ID: ${messageId}\r\n\r\nprobe\r\n`,
    });
    sentAt.set(messageId, performance.now());
  }
  // Let the last probe arrive everywhere (or give up after 30 s: what is missing then is lost).
  const complete = () => [...receipts.values()].filter((l) => l.length >= connected).length >= o.probes;
  for (const until = performance.now() + 30_000; !complete() && performance.now() < until; )
    await new Promise((r) => setTimeout(r, 100));
  ingesting = false;
  const ingestPerSecond = ingested / ((performance.now() - ingestStart) / 1000);
  await Promise.allSettled(workers);
  ingest.close();
  probeTransport.close();
  agent.destroy();

  const latencies: number[] = [];
  for (const [id, times] of receipts) {
    const sent = sentAt.get(probeOf.get(id) ?? '');
    // An event can reach a stream before the client has read its 250: that is 0 ms late.
    if (sent !== undefined) for (const t of times) latencies.push(Math.max(0, t - sent));
  }
  latencies.sort((a, b) => a - b);
  const expected = connected * o.probes;
  return {
    subscribers: o.subscribers,
    connected,
    probes: o.probes,
    expected,
    lost: expected - latencies.length,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    ingestPerSecond,
    secondsToConnect,
  };
}

const BODY = 'The quarterly figures are attached; please review before Thursday.\r\n'.repeat(150);
const loadMail = (i: number) =>
  `From: load@sender.test\r\nTo: rcpt@bench.test\r\nSubject: load ${i}\r\nMessage-ID: <load-${i}-${Math.random().toString(36).slice(2)}@sender.test>\r\n\r\n${BODY}`;

export { loadMail };
