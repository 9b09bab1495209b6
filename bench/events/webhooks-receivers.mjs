// The receivers of the webhook benchmark, in their own process so that their CPU is not the
// server's: N HTTP servers on 127.0.0.1 that answer 204 at once and record, per delivery, the
// lag from the event's commit time (CloudEvent `time`) to its arrival, and the order (`sequence`).
// Talks to its parent over IPC: { ports } once listening; { stats } when asked.
import { createServer } from 'node:http';

const count = Number(process.argv[2] ?? 10);
const endpoints = Array.from({ length: count }, () => ({
  received: 0,
  lags: [],
  outOfOrder: 0,
  last: 0,
  ids: new Set(),
}));
let duplicates = 0;

const servers = endpoints.map((e) =>
  createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const now = Date.now();
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const seq = Number(event.sequence);
      if (seq <= e.last) e.outOfOrder += 1;
      e.last = Math.max(e.last, seq);
      if (e.ids.has(event.id)) duplicates += 1;
      e.ids.add(event.id);
      e.received += 1;
      e.lags.push(now - Date.parse(event.time));
      res.writeHead(204).end();
    });
  }),
);

await Promise.all(servers.map((s) => new Promise((r) => s.listen(0, '127.0.0.1', r))));
process.send({ ports: servers.map((s) => s.address().port) });

process.on('message', (m) => {
  if (m === 'counts') return process.send({ counts: endpoints.map((e) => e.received) });
  if (m === 'stats') {
    const lags = endpoints.flatMap((e) => e.lags).sort((a, b) => a - b);
    const q = (p) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? null;
    process.send({
      stats: {
        received: endpoints.map((e) => e.received),
        outOfOrder: endpoints.reduce((n, e) => n + e.outOfOrder, 0),
        duplicates,
        lagMs: { p50: q(0.5), p99: q(0.99), max: lags[lags.length - 1] ?? null },
        cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
      },
    });
    for (const s of servers) s.close();
    setTimeout(() => process.exit(0), 100);
  }
});
