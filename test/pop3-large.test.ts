import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { RawPop3 } from './harness/pop3-raw.js';
import { startServer, type TestServer } from './harness/server.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';

// A large message over POP3 is streamed from the store, never held whole (issue 19 item 5): the
// server's resident memory, sampled while the client holds the download (an eighth read), grows
// by far less than the message, and what arrives is the stored message, dot-stuffed, byte for byte.
const databases = useDatabases();
const ALICE = 'alice@example.com';
/**
 * Near smtp.maxMessageSize (100 MB). Streaming costs the server a fixed slack of garbage not yet
 * collected (about 30-40 MB here, whatever the size); a message held whole would cost its size on
 * top. A message this large keeps the two far apart.
 */
const SIZE = 96 * 1024 * 1024;

/** A message of about `size` bytes whose lines often start with a dot. */
function bigMessage(size: number): Buffer {
  const line = (i: number) => `${i % 5 === 0 ? '.' : ''}${String(i).padStart(8, '0')} ${'y'.repeat(66)}\r\n`;
  const lines: string[] = ['Subject: large\r\n', '\r\n'];
  let bytes = 0;
  for (let i = 0; bytes < size; i++) {
    const l = line(i);
    lines.push(l);
    bytes += l.length;
  }
  return Buffer.from(lines.join(''));
}

/** The wire form of a stored CRLF message in a multi-line response (RFC 1939 §3). */
const stuffed = (message: Buffer) =>
  Buffer.concat([
    Buffer.from(message.toString('latin1').replace(/^\./gm, '..'), 'latin1'),
    Buffer.from('.\r\n'),
  ]);

const residentBytes = async (server: TestServer) => {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  return Number(/^jdmail_process_resident_memory_bytes (\d+)/m.exec(text)?.[1]);
};

describe('POP3 download of a large message', () => {
  let server: TestServer;
  let dataDir: string;
  let token: string;

  beforeAll(async () => {
    ({ server } = await startWithAliceAndBob(await databases.fresh('sqlite')));
    dataDir = server.dataDir;
    const mx = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await mx.sendMail({ envelope: { from: 'bob@example.org', to: [ALICE] }, raw: bigMessage(SIZE) });
    mx.close();
    // A fresh process: what it holds during the download is the download's doing.
    token = server.adminKey ?? '';
    await server.stop();
    server = await startServer({ dataDir });
  }, 120_000);
  afterAll(async () => {
    await server?.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('streams a 96 MB RETR: memory stays far below the message size; the bytes are exact', async () => {
    const before = await residentBytes(server);

    const pop = await RawPop3.connect(server.pop3Port);
    await pop.line();
    await pop.command(`USER ${ALICE}`);
    expect(await pop.command('PASS alice-password')).toMatch(/^\+OK /);
    const socket = (pop as unknown as { socket: import('node:net').Socket }).socket;
    socket.removeAllListeners('data');
    socket.write('RETR 1\r\n');
    const hash = createHash('sha256');
    let received = 0;
    let status = '';
    let head = Buffer.alloc(0);
    let tail = Buffer.alloc(0);
    let midway = 0;
    await new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        if (!status) {
          head = Buffer.concat([head, chunk]);
          const eol = head.indexOf('\r\n');
          if (eol < 0) return;
          status = head.subarray(0, eol).toString();
          chunk = head.subarray(eol + 2);
        }
        hash.update(chunk);
        received += chunk.length;
        tail = Buffer.concat([tail, chunk]).subarray(-5);
        if (!midway && received > SIZE / 6) {
          // Hold the download: the server must wait for us, not read the rest into memory. (What
          // it did read so far may still be garbage not yet collected: hence an early sample.)
          midway = -1;
          socket.pause();
          setTimeout(async () => {
            midway = await residentBytes(server);
            socket.resume();
          }, 1000);
        }
        if (tail.toString() === '\r\n.\r\n') {
          socket.removeAllListeners('data');
          resolve();
        }
      });
    });
    // The stored bytes, read through the API only now: its reading must not warm the server up before.
    const jd = new JdMail({ baseUrl: server.baseUrl, token });
    const [summary] = (await jd.mail.list(ALICE, { limit: 1 })).items;
    const stored = Buffer.from(await jd.mail.raw(ALICE, summary?.id ?? ''));
    expect(stored.length).toBeGreaterThan(SIZE);
    expect(status).toBe(`+OK ${stored.length} octets`);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(stuffed(stored)).digest('hex'));
    const growth = midway - before;
    console.log(
      `POP3 RETR of ${stored.length} bytes: server RSS ${before} → ${midway} midway (${growth} bytes)`,
    );
    expect(growth).toBeLessThan(stored.length / 2);
    pop.close();
  }, 120_000);
});
