import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clamd, EICAR, startClamd } from '../../../../../test/harness/clamd.js';
import { createClamdClient, parseClamdAddress, type ScanResult, virusVerdict } from './index.js';

// The antivirus stage against a real clamd (Debian's clamav-daemon) with a
// database of one signature, EICAR (see test/harness/clamd.ts).

const POLICY = { onInfected: 'reject', onError: 'tempfail', onTooLarge: 'accept' } as const;

const client = (address: string, extra: Partial<{ maxStreamBytes: number; timeoutMs: number }> = {}) =>
  createClamdClient({
    address: parseClamdAddress(address),
    maxStreamBytes: extra.maxStreamBytes ?? 25 * 1024 * 1024,
    chunkBytes: 16 * 1024,
    timeoutMs: extra.timeoutMs ?? 20_000,
  });

const compose = (options: ConstructorParameters<typeof MailComposer>[0]) =>
  new Promise<Buffer>((resolve, reject) =>
    new MailComposer(options).compile().build((err, msg) => (err ? reject(err) : resolve(msg))),
  );

/** A readable that yields `total` bytes of `fill` in 64 KB pieces, never holding them all. */
function generated(total: number, fill = 'a'): Readable {
  let left = total;
  const piece = Buffer.alloc(64 * 1024, fill);
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, piece.length);
      left -= n;
      this.push(piece.subarray(0, n));
    },
  });
}

describe('clamd client on a real clamd', () => {
  let clamd: Clamd;
  let dir: string;
  beforeAll(async () => {
    clamd = await startClamd();
    dir = await mkdtemp(join(tmpdir(), 'jdmail-virus-'));
  });
  afterAll(async () => {
    await clamd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('pings clamd over TCP and over its unix socket', async () => {
    expect(await client(clamd.tcp).ping()).toEqual({ ok: true });
    expect(await client(clamd.unix).ping()).toEqual({ ok: true });
  });

  it('finds plain EICAR, and rejects it with 554 5.7.1 virus: NAME', async () => {
    const result = await client(clamd.tcp).scan(Readable.from([Buffer.from(EICAR)]));
    expect(result).toEqual({ status: 'infected', name: 'Eicar-Test-Signature-NDB.UNOFFICIAL' });
    expect(virusVerdict(result, POLICY)).toMatchObject({
      kind: 'reject',
      stage: 'virus',
      answer: { code: 554, enhanced: '5.7.1', text: 'virus: Eicar-Test-Signature-NDB.UNOFFICIAL' },
    });
    expect(virusVerdict(result, { ...POLICY, onInfected: 'quarantine' })).toMatchObject({
      kind: 'quarantine',
    });
    // The same over the unix socket.
    expect(await client(clamd.unix).scan(Readable.from([Buffer.from(EICAR)]))).toMatchObject({
      status: 'infected',
    });
  });

  it('finds EICAR inside a zip archive', async () => {
    // Trailing blanks (the EICAR file may have them, up to 128 bytes) so that zip deflates rather than stores.
    await writeFile(join(dir, 'eicar.com'), EICAR.padEnd(128, ' '));
    await promisify(execFile)('zip', ['-q', '-j', join(dir, 'eicar.zip'), join(dir, 'eicar.com')]);
    const zip = await readFile(join(dir, 'eicar.zip'));
    expect(zip.includes(Buffer.from('EICAR-STANDARD'))).toBe(false); // deflated: only unpacking finds it
    expect(await client(clamd.tcp).scan(Readable.from([zip]))).toMatchObject({ status: 'infected' });
  });

  it('finds EICAR base64-encoded in an attachment of a message forwarded as message/rfc822', async () => {
    const inner = await compose({
      from: 'a@example.net',
      to: 'b@example.net',
      subject: 'the invoice',
      text: 'see attached',
      attachments: [
        { filename: 'invoice.com', content: Buffer.from(EICAR), contentTransferEncoding: 'base64' },
      ],
    });
    const outer = await compose({
      from: 'b@example.net',
      to: 'c@example.com',
      subject: 'Fwd: the invoice',
      text: 'forwarding',
      attachments: [{ filename: 'forwarded.eml', content: inner, contentType: 'message/rfc822' }],
    });
    expect(outer.includes(Buffer.from('EICAR-STANDARD'))).toBe(false);
    expect(outer.toString('latin1')).toContain('message/rfc822');
    // Fed in small pieces, as a message arrives over SMTP.
    const pieces = [];
    for (let i = 0; i < outer.length; i += 100) pieces.push(outer.subarray(i, i + 100));
    expect(await client(clamd.tcp).scan(Readable.from(pieces))).toMatchObject({ status: 'infected' });
  });

  it('passes clean mail, and streams a large clean message in chunks', async () => {
    const clean = await compose({ from: 'a@example.net', to: 'b@example.com', subject: 'hi', text: 'hello' });
    const result = await client(clamd.tcp).scan(Readable.from([clean]));
    expect(result).toEqual({ status: 'clean' });
    expect(virusVerdict(result, POLICY)).toMatchObject({ kind: 'accept', stage: 'virus' });
    expect(await client(clamd.tcp).scan(generated(5 * 1024 * 1024))).toEqual({ status: 'clean' });
  });

  it('stops at its own size limit without reading the message into memory, and drains the rest', async () => {
    const body = generated(3 * 1024 * 1024);
    const result = await client(clamd.tcp, { maxStreamBytes: 256 * 1024 }).scan(body);
    expect(result).toEqual({ status: 'too-large', limit: 256 * 1024 });
    await new Promise((r) => (body.readableEnded ? r(null) : body.once('end', r)));
    expect(virusVerdict(result, POLICY)).toMatchObject({
      kind: 'accept',
      reasons: [expect.stringMatching(/over/)],
    });
    expect(virusVerdict(result, { ...POLICY, onTooLarge: 'reject' })).toMatchObject({
      kind: 'reject',
      answer: { code: 552 },
    });
  });

  it('reports a stream over clamd’s StreamMaxLength as too large', async () => {
    const small = await startClamd({ streamMaxLength: '64K' });
    try {
      const result = await client(small.tcp).scan(generated(1024 * 1024));
      expect(result).toEqual({ status: 'too-large', limit: null });
    } finally {
      await small.stop();
    }
  });

  it('turns a clamd that stops mid-scan into an error, and the policy into 451 4.7.1', async () => {
    const body = new PassThrough();
    body.write(Buffer.alloc(32 * 1024, 'x'));
    const scanning = client(clamd.tcp).scan(body);
    await new Promise((r) => setTimeout(r, 200));
    await clamd.halt();
    const result: ScanResult = await scanning;
    expect(result.status).toBe('error');
    expect(virusVerdict(result, POLICY)).toMatchObject({
      kind: 'tempfail',
      answer: { code: 451, enhanced: '4.7.1' },
    });
    expect(virusVerdict(result, { ...POLICY, onError: 'accept' })).toMatchObject({ kind: 'accept' });
    // clamd down before the scan: refused connection, also an error, and ping says why.
    expect(await client(clamd.tcp).scan(Readable.from([Buffer.from(EICAR)]))).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('ECONNREFUSED'),
    });
    expect(await client(clamd.tcp).ping()).toMatchObject({ ok: false });
    body.end();
    await clamd.start();
    expect(await client(clamd.tcp).scan(Readable.from([Buffer.from(EICAR)]))).toMatchObject({
      status: 'infected',
    });
  });
});

describe('clamd client time budget', () => {
  let silent: Server;
  let port: number;
  beforeAll(async () => {
    // A server that takes the connection and never answers: only the budget ends the scan.
    silent = createServer((s) => s.on('data', () => {}));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    port = (silent.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => silent.close(() => r())));

  it('gives up after timeoutMs with an error', async () => {
    const result = await client(`tcp://127.0.0.1:${port}`, { timeoutMs: 300 }).scan(
      Readable.from([Buffer.from('hello')]),
    );
    expect(result).toEqual({ status: 'error', reason: 'no answer within 300 ms' });
  });
});
