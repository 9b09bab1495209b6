import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { startServer, type TestServer } from './harness/server.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';

// A large message over IMAP is streamed both ways, never held whole (issue 19 item 5): an APPEND
// of 96 MB goes into the store as it arrives, and a FETCH BODY[] of it is read from the store as
// the client takes it. The server's resident memory, sampled while the client holds the transfer
// midway, grows by far less than the message; the bytes stored and fetched are exact.
const databases = useDatabases();
const ALICE = 'alice@example.com';
/** Near smtp.maxMessageSize (100 MB), which is APPENDLIMIT; see pop3-large.test.ts for why this large. */
const SIZE = 96 * 1024 * 1024;

function bigMessage(size: number): Buffer {
  const lines: string[] = ['Subject: large over IMAP\r\n', '\r\n'];
  let bytes = 0;
  for (let i = 0; bytes < size; i++) {
    const l = `${String(i).padStart(8, '0')} ${'z'.repeat(70)}\r\n`;
    lines.push(l);
    bytes += l.length;
  }
  return Buffer.from(lines.join(''));
}

const residentBytes = async (server: TestServer) => {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  return Number(/^jdmail_process_resident_memory_bytes (\d+)/m.exec(text)?.[1]);
};
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A plain socket with a line reader: the test decides when it reads and writes. */
class Wire {
  buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => this.push(d));
    socket.on('close', () => this.wake?.());
  }
  push(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    this.wake?.();
  }
  static async connect(port: number): Promise<Wire> {
    const socket = net.connect({ port, host: '127.0.0.1' });
    await once(socket, 'connect');
    return new Wire(socket);
  }
  /** Reads lines until one starts with `prefix`; returns it. */
  async lineStarting(prefix: string, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const eol = this.buf.indexOf('\r\n');
      if (eol >= 0) {
        const line = this.buf.subarray(0, eol).toString();
        this.buf = this.buf.subarray(eol + 2);
        if (line.startsWith(prefix)) return line;
        continue;
      }
      if (this.socket.destroyed || Date.now() > deadline) throw new Error(`no line starting ${prefix}`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 200);
      });
    }
  }
  async write(data: Buffer | string): Promise<void> {
    if (!this.socket.write(data)) await once(this.socket, 'drain');
  }
}

describe('IMAP transfer of a large message', () => {
  let server: TestServer;
  let dataDir: string;
  let jd: JdMail;
  const message = bigMessage(SIZE);
  let uid = 0;

  beforeAll(async () => {
    ({ server } = await startWithAliceAndBob(await databases.fresh('sqlite')));
    dataDir = server.dataDir;
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  }, 60_000);
  afterAll(async () => {
    await server?.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function login(): Promise<Wire> {
    const w = await Wire.connect(server.imapPort);
    await w.lineStarting('* OK');
    await w.write(`a LOGIN ${ALICE} alice-password\r\n`);
    expect(await w.lineStarting('a ')).toMatch(/^a OK /);
    return w;
  }

  it('APPEND of 96 MB is streamed into the store: memory stays far below its size; stored byte for byte', async () => {
    const w = await login();
    const before = await residentBytes(server);
    await w.write(`b APPEND INBOX (\\Seen) {${message.length}}\r\n`);
    expect(await w.lineStarting('+')).toMatch(/^\+ /);
    const half = message.length >> 1;
    for (let at = 0; at < half; at += 1 << 20)
      await w.write(message.subarray(at, Math.min(at + (1 << 20), half)));
    await sleep(1000); // the server has taken in what it was sent; anything it holds is held now
    const midway = await residentBytes(server);
    for (let at = half; at < message.length; at += 1 << 20)
      await w.write(message.subarray(at, Math.min(at + (1 << 20), message.length)));
    await w.write('\r\n');
    const status = await w.lineStarting('b ', 120_000);
    const appended = /^b OK \[APPENDUID \d+ (\d+)\]/.exec(status);
    expect(appended, status).not.toBeNull();
    uid = Number(appended?.[1]);
    w.socket.destroy();
    console.log(`IMAP APPEND of ${message.length} bytes: server RSS ${before} → ${midway} midway`);
    expect(midway - before).toBeLessThan(message.length / 2);
    const [summary] = (await jd.mail.list(ALICE, { limit: 1 })).items;
    expect(sha256(Buffer.from(await jd.mail.raw(ALICE, summary?.id ?? '')))).toBe(sha256(message));
  }, 180_000);

  it('FETCH BODY[] of 96 MB is read from the store as the client takes it; the literal is exact', async () => {
    expect(uid).toBeGreaterThan(0);
    // A fresh process: what it holds during the download is the download's doing.
    await server.stop();
    server = await startServer({ dataDir });
    const w = await login();
    await w.write('s SELECT INBOX\r\n');
    await w.lineStarting('s OK');
    const before = await residentBytes(server);
    w.socket.removeAllListeners('data');
    let head = w.buf;
    w.buf = Buffer.alloc(0);
    const hash = createHash('sha256');
    let literal = -1;
    let received = 0;
    let midway = 0;
    let rest = Buffer.alloc(0);
    const done = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        if (literal < 0) {
          head = Buffer.concat([head, chunk]);
          const m = /BODY\[\] \{(\d+)\}\r\n/.exec(head.toString('latin1'));
          if (!m) return;
          literal = Number(m[1]);
          chunk = head.subarray(m.index + m[0].length);
        }
        const take = Math.min(chunk.length, literal - received);
        hash.update(chunk.subarray(0, take));
        received += take;
        if (take < chunk.length) rest = Buffer.concat([rest, chunk.subarray(take)]);
        if (!midway && received > literal / 6) {
          midway = -1;
          w.socket.pause();
          setTimeout(async () => {
            midway = await residentBytes(server);
            w.socket.resume();
          }, 1000);
        }
        if (received === literal && rest.includes('f OK')) {
          w.socket.off('data', onData);
          resolve();
        }
      };
      w.socket.on('data', onData);
    });
    w.socket.write(`f UID FETCH ${uid} BODY.PEEK[]\r\n`);
    await done;
    w.socket.destroy();
    console.log(`IMAP FETCH of ${literal} bytes: server RSS ${before} → ${midway} midway`);
    expect(literal).toBe(message.length);
    expect(hash.digest('hex')).toBe(sha256(message));
    expect(rest.toString()).toMatch(/^( UID \d+)?\)\r\nf OK /);
    expect(midway - before).toBeLessThan(message.length / 2);
  }, 180_000);
});
