import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../harness/databases.js';
import { logUntil, type TestServer } from '../harness/server.js';
import { RawSmtp } from '../harness/smtp-raw.js';
import { submissionTransport } from '../harness/smtp-users.js';
import {
  goodTransport,
  LIMITS,
  openData,
  printLatencies,
  probe,
  sleep,
  startHostileServer,
  subjects,
  trickle,
} from './setup.js';

/**
 * Attacks on the SMTP listeners' capacity (issue 18, F2): one address holding every slot,
 * trickled input, endless sessions, pipelining floods, and the PROXY protocol. Each attack comes
 * from a 127.0.0.x address of its own; a well-behaved client from 127.0.0.2 is timed meanwhile.
 */
const databases = useDatabases();

// Connection limits and deadlines live in the listener, before anything is stored: one engine
// shows them (content.test.ts runs on both, since what it sends is stored).
describe('SMTP listeners under connection attacks', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startHostileServer(databases);
  });
  afterAll(async () => {
    printLatencies();
    await server?.destroy();
  });

  /** Opens `n` sessions from `from` and sorts them by what the server said first. */
  async function flood(port: number, from: string, n: number) {
    const sessions = await Promise.all(Array.from({ length: n }, () => RawSmtp.connect(port, from)));
    const first = await Promise.all(sessions.map((s) => s.reply()));
    return {
      sessions,
      admitted: sessions.filter((_, i) => first[i]?.code === 220),
      refused: first.filter((r) => r.code === 421),
      other: first.filter((r) => r.code !== 220 && r.code !== 421),
    };
  }

  it.each(['smtpPort', 'submissionPort'] as const)(
    'refuses connections over smtp.maxConnectionsPerIp with 421 4.7.0 on %s; other clients go on',
    async (listener) => {
      const port = server[listener];
      const from = listener === 'smtpPort' ? '127.0.0.10' : '127.0.0.11';
      const f = await flood(port, from, 3 * LIMITS.maxConnectionsPerIp);
      expect(f.admitted.length).toBe(LIMITS.maxConnectionsPerIp);
      expect(f.other).toEqual([]);
      for (const r of f.refused)
        expect(r.text).toMatch(/^421 4\.7\.0 mail\.test Too many connections from your address/);
      // Refused sessions are closed by the server, not left open.
      await Promise.all(f.sessions.filter((s) => !f.admitted.includes(s)).map((s) => s.closedByServer()));
      await probe(port, `a flood of ${3 * LIMITS.maxConnectionsPerIp} connections from one address`);
      if (listener === 'smtpPort') {
        const info = await goodTransport(server).sendMail({
          from: 'good@remote.test',
          to: 'alice@example.com',
          subject: 'during the flood',
          text: 'hi',
        });
        expect(info.response).toMatch(/^250 /);
      }
      // The flooding address gets its places back once its sessions close.
      for (const s of f.admitted) s.close();
      let again: RawSmtp | undefined;
      for (let i = 0; i < 50; i++) {
        again = await RawSmtp.connect(port, from);
        if ((await again.reply()).code === 220) break;
        again.close();
        await sleep(50);
      }
      expect(again?.closed).toBe(false);
      again?.close();
    },
  );

  it('cuts off clients that trickle a command line with 421 4.4.2, while others are served', async () => {
    const started = Date.now();
    const slow = await Promise.all(
      Array.from({ length: 5 }, () => RawSmtp.connect(server.smtpPort, '127.0.0.12')),
    );
    await Promise.all(slow.map((s) => s.reply()));
    const dripping = slow.map((s) => trickle(s, 'EHLO slowloris.test\r\n', 300));
    await probe(server.smtpPort, 'five clients trickling a command line');
    await Promise.all(slow.map((s) => s.closedByServer(15_000)));
    const took = Date.now() - started;
    for (const s of slow) expect(s.pending).toMatch(/^421 4\.4\.2 mail\.test Error: data arrived too slowly/);
    // Cut once the record deadline ran out, long before the line would have been complete (6.3 s).
    expect(took).toBeGreaterThanOrEqual(LIMITS.commandTimeoutMs);
    expect(took).toBeLessThan(6000);
    await Promise.all(dripping);
  });

  it('cuts off DATA slower than smtp.minDataRate, but takes a long message sent at the rate', async () => {
    const slow = await openData(server.smtpPort, '127.0.0.13');
    const dripping = trickle(slow, `Subject: trickled\r\n\r\n${'x'.repeat(100)}\r\n.\r\n`, 300);
    // 4 KB every 500 ms is 8 KB/s, over the minimum rate: it takes 4 s, past commandTimeoutMs.
    const steady = await openData(server.smtpPort, '127.0.0.14');
    steady.write('Subject: steady\r\n\r\n');
    for (let i = 0; i < 8; i++) {
      steady.write(`${'y'.repeat(4094)}\r\n`);
      await sleep(500);
    }
    await probe(server.smtpPort, 'a client trickling DATA');
    steady.write('.\r\n');
    expect((await steady.reply()).code).toBe(250);
    steady.close();
    await slow.closedByServer();
    expect(slow.pending).toMatch(/^421 4\.4\.2 mail\.test Error: data arrived too slowly/);
    await dripping;
    // The half-received message is dropped as the client's doing, not logged as our failure.
    expect(await logUntil(server, /message transfer cut off/)).not.toMatch(/could not store message/);
    const got = await subjects(server, 'alice@example.com');
    expect(got).toContain('steady');
    expect(got).not.toContain('trickled');
  });

  it('ends sessions older than smtp.maxSessionMs between commands; a message in DATA finishes first', async () => {
    const started = Date.now();
    const chatty = await RawSmtp.connect(server.smtpPort, '127.0.0.15');
    await chatty.reply();
    let noops = 0;
    const chatter = (async () => {
      while (!chatty.closed) {
        const r = await chatty.command('NOOP').catch(() => undefined);
        if (r?.code === 250) noops++;
        await sleep(400);
      }
    })();
    // A message that starts before the limit and ends after it.
    const sender = await RawSmtp.connect(server.smtpPort, '127.0.0.16');
    await sender.reply();
    await sender.command('EHLO sender.test');
    await sleep(LIMITS.maxSessionMs - 2000 - (Date.now() - started));
    await sender.command('MAIL FROM:<s@remote.test>');
    await sender.command('RCPT TO:<bob@example.com>');
    expect((await sender.command('DATA')).code).toBe(354);
    sender.write('Subject: across the session limit\r\n\r\n');
    for (let i = 0; i < 14; i++) {
      sender.write(`${'z'.repeat(2046)}\r\n`);
      await sleep(250);
    }
    sender.write('.\r\n');
    const queued = await sender.reply();
    expect(Date.now() - started).toBeGreaterThan(LIMITS.maxSessionMs);
    expect(queued.code).toBe(250);
    expect((await sender.reply()).text).toMatch(/^421 4\.4\.2 mail\.test Session time limit reached/);
    await chatter;
    expect(chatty.pending).toMatch(/421 4\.4\.2 mail\.test Session time limit reached/);
    expect(noops).toBeGreaterThan(10);
    expect(Date.now() - started).toBeLessThan(LIMITS.maxSessionMs + 6000);
    expect(await subjects(server, 'bob@example.com')).toContain('across the session limit');
  });

  it('answers pipelining abuse in order and stays responsive (RFC 2920)', async () => {
    // Pipelined before EHLO: every command refused, nothing taken, the session still usable.
    const early = await RawSmtp.connect(server.smtpPort, '127.0.0.17');
    await early.reply();
    early.write(
      'MAIL FROM:<e@remote.test>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\nSubject: early\r\n\r\n.\r\n',
    );
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await early.reply()).code);
    // The message lines after the refused DATA are unknown commands.
    expect(codes).toEqual([503, 503, 503, 500, 500, 500]);
    expect((await early.command('EHLO late.test')).code).toBe(250);
    early.close();
    // 20,000 commands in one write: every one answered, in order.
    const many = await RawSmtp.connect(server.smtpPort, '127.0.0.18');
    await many.reply();
    await many.command('EHLO many.test');
    many.write('NOOP\r\n'.repeat(20_000));
    const answering = (async () => {
      for (let i = 0; i < 20_000; i++) if ((await many.reply()).code !== 250) return i;
      return 20_000;
    })();
    await probe(server.smtpPort, '20,000 pipelined commands');
    expect(await answering).toBe(20_000);
    many.close();
    // A client that pipelines without ever reading: the server stops reading it, serves the rest.
    const deaf = net.connect({ port: server.smtpPort, host: '127.0.0.1', localAddress: '127.0.0.19' });
    deaf.on('error', () => {});
    deaf.pause();
    deaf.write(`EHLO deaf.test\r\n${'NOOP\r\n'.repeat(300_000)}`);
    await sleep(500);
    await probe(server.smtpPort, 'a client pipelining 1.8 MB without reading');
    deaf.destroy();
    // A whole transaction in one write after DATA is not allowed by RFC 2920 but must not confuse us.
    const oneWrite = await RawSmtp.connect(server.smtpPort, '127.0.0.17');
    await oneWrite.reply();
    oneWrite.write(
      'EHLO one.test\r\nMAIL FROM:<o@remote.test>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\nSubject: one write\r\n\r\nhi\r\n.\r\nQUIT\r\n',
    );
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push((await oneWrite.reply()).code);
    expect(replies).toEqual([250, 250, 250, 354, 250, 221]);
    expect(await subjects(server, 'alice@example.com')).not.toContain('early');
  });

  it('reads the client from a PROXY v1 header of a trusted proxy only, and limits that client', async () => {
    const viaProxy = async (client: string) => {
      const c = await RawSmtp.connect(server.smtpPort, LIMITS.proxy);
      c.write(`PROXY TCP4 ${client} 127.0.0.1 40000 25\r\n`);
      return c;
    };
    const first = await viaProxy('192.0.2.7');
    expect((await first.reply()).code).toBe(220);
    await first.command('EHLO behind.proxy.test');
    await first.command('MAIL FROM:<p@remote.test>');
    await first.command('RCPT TO:<alice@example.com>');
    await first.command('DATA');
    first.write('Subject: through the proxy\r\n\r\nhi\r\n.\r\n');
    expect((await first.reply()).code).toBe(250);
    first.close();
    const res = await fetch(`${server.baseUrl}/api/v1/users/alice@example.com/messages?limit=5`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    const { items } = (await res.json()) as { items: { id: string; subject: string }[] };
    const id = items.find((m) => m.subject === 'through the proxy')?.id;
    const raw = await (
      await fetch(`${server.baseUrl}/api/v1/users/alice@example.com/messages/${id}/raw`, {
        headers: { authorization: `Bearer ${server.adminKey}` },
      })
    ).text();
    // The client the header names is outside the trusted networks, so its mail is checked (SPF
    // asks about 192.0.2.7, not the proxy) and the results head the message, above our Received.
    expect(raw).toMatch(
      /^Authentication-Results: mail\.test;[\s\S]*?\r\nReceived: from behind\.proxy\.test \(\[192\.0\.2\.7\]\)/,
    );
    expect(raw).toMatch(/smtp\.helo=behind\.proxy\.test/);
    // The limit counts the client the header names, not the proxy.
    const held = await Promise.all(
      Array.from({ length: LIMITS.maxConnectionsPerIp }, () => viaProxy('192.0.2.8')),
    );
    for (const c of held) expect((await c.reply()).code).toBe(220);
    const over = await viaProxy('192.0.2.8');
    expect((await over.reply()).text).toMatch(/^421 4\.7\.0 /);
    const another = await viaProxy('192.0.2.9');
    expect((await another.reply()).code).toBe(220);
    for (const c of [...held, over, another]) c.close();
    // Anyone else sending a PROXY line is not believed: it is an unknown command.
    const spoof = await RawSmtp.connect(server.smtpPort, '127.0.0.4');
    await spoof.reply();
    expect((await spoof.command('PROXY TCP4 192.0.2.7 127.0.0.1 40000 25')).code).toBe(500);
    spoof.close();
  });

  it('cuts a STARTTLS handshake that never completes, and still delivers normal mail afterwards', async () => {
    const tlsSlow = await RawSmtp.connect(server.submissionPort, '127.0.0.20');
    await tlsSlow.reply();
    await tlsSlow.command('EHLO tls.test');
    expect((await tlsSlow.command('STARTTLS')).code).toBe(220);
    const started = Date.now();
    // A ClientHello's first bytes, then nothing more.
    tlsSlow.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
    await tlsSlow.closedByServer(10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIMITS.commandTimeoutMs - 100);
    // After every attack, both listeners still deliver.
    const mx = await goodTransport(server).sendMail({
      from: 'good@remote.test',
      to: 'bob@example.com',
      subject: 'after the connection attacks',
      text: 'still here',
    });
    expect(mx.response).toMatch(/^250 /);
    const sub = await submissionTransport(server, 'alice@example.com', 'alice-password').sendMail({
      from: 'alice@example.com',
      to: 'bob@example.com',
      subject: 'submitted after the attacks',
      text: 'still here',
    });
    expect(sub.response).toMatch(/^250 /);
    const got = await subjects(server, 'bob@example.com');
    expect(got).toEqual(
      expect.arrayContaining(['after the connection attacks', 'submitted after the attacks']),
    );
  });
});
