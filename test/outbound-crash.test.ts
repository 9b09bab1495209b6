import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { startServer, type TestServer } from './harness/server.js';
import { startWithAliceAndBob, submissionTransport } from './harness/smtp-users.js';
import { startUnbound } from './harness/unbound.js';

// The outbound queue's promise (README "Outbound queue"): `kill -9` at any
// moment loses no accepted message and sends none twice, except the one
// delivery in flight. Here the remote MTA holds every DATA it gets after the
// first ones without answering, so the deliveries in flight at the kill never
// got their 250: each must be sent once after the restart, and the ones that
// were acknowledged before the kill must not be sent again.

const databases = useDatabases();

/** Messages accepted by submission before the kill. */
const MESSAGES = 20;
/** The remote MTA acknowledges this many, then holds every DATA it gets unanswered. */
const ANSWERED_BEFORE_KILL = 8;

/** A remote MTA (smtp-server) for `remote.test` that counts what it acknowledged, by Message-ID. */
async function startRemoteMta() {
  const received = new Map<string, number>();
  const held: Array<(err?: Error | null) => void> = [];
  let holding = false;
  let answered = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (holding || answered >= ANSWERED_BEFORE_KILL) {
          holding = true;
          held.push(callback);
          return;
        }
        answered += 1;
        const id = /^Message-ID:\s*(\S+)/im.exec(Buffer.concat(chunks).toString())?.[1] ?? 'none';
        received.set(id, (received.get(id) ?? 0) + 1);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    held,
    /** Answers everything again (after the restart); what was held is dropped unanswered. */
    release() {
      holding = false;
      answered = Number.NEGATIVE_INFINITY;
      held.splice(0).forEach((cb) => {
        cb(new Error('the connection is gone'));
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(databases.engines)('kill -9 during a queue run on %s', (engine) => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
  });

  it('delivers every accepted message exactly once after a restart', { timeout: 180_000 }, async () => {
    const remote = await startRemoteMta();
    cleanup.push(remote.close);
    // remote.test's MX is the remote MTA above: delivery as to any domain, through DNS.
    const dns = await startUnbound({
      'remote.test': ['remote.test. 300 IN MX 10 mx.remote.test.', 'mx.remote.test. 300 IN A 127.0.0.1'],
    });
    cleanup.push(dns.stop);
    const db = await databases.fresh(engine);
    const settings = {
      JDMAIL_DNS_SERVERS: JSON.stringify([dns.server]),
      JDMAIL_OUTBOUND_PORT: String(remote.port),
      JDMAIL_QUEUE_POLL_SECONDS: '0.2',
      // PostgreSQL takes over the killed run's jobs when their lease ends.
      JDMAIL_QUEUE_LEASE_SECONDS: '3',
    };
    const { server } = await startWithAliceAndBob(db, settings);
    let current: TestServer = server;
    cleanup.push(() => current.destroy());

    const mailer = submissionTransport(server, 'alice@example.com', 'alice-password');
    const accepted: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const info = await mailer.sendMail({
        from: 'alice@example.com',
        to: `r${i}@remote.test`,
        subject: `outbound ${i}`,
        text: `message ${i}`,
      });
      accepted.push(info.messageId);
    }
    mailer.close();

    // The remote has acknowledged its first messages and holds the next ones: kill now.
    await until(
      () => remote.held.length > 0,
      60_000,
      () =>
        `remote got ${remote.received.size}; jdmail said:\n${current.output
          .filter((l) => !l.includes('smtp-submission'))
          .slice(-15)
          .join('\n')}`,
    );
    // Time for jdmail to record the answers it got before the hold.
    await new Promise((r) => setTimeout(r, 1000));
    await current.crash();
    const before = [...remote.received.keys()];
    expect(before.length).toBe(ANSWERED_BEFORE_KILL);
    remote.release();

    current = await startServer({ dataDir: server.dataDir, databaseUrl: db.databaseUrl, env: settings });
    await until(
      () => remote.received.size >= MESSAGES,
      90_000,
      () =>
        `remote got ${remote.received.size}; jdmail said:\n${current.output
          .filter((l) => !l.includes('smtp-submission'))
          .slice(-15)
          .join('\n')}`,
    );
    // Room for a duplicate to arrive, should the queue send one.
    await new Promise((r) => setTimeout(r, 2000));
    expect([...remote.received.keys()].sort()).toEqual([...accepted].sort());
    expect([...remote.received.values()].every((n) => n === 1)).toBe(true);
  });
});

/** Waits for `check`; on a timeout the error carries `why()` (the server's last log lines). */
async function until(check: () => boolean, ms = 60_000, why: () => string = () => ''): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`condition not met in time\n${why()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
