// The load generator: one pooled nodemailer transport (the client the e2e tests use), `sessions`
// connections kept open, `messages` messages of `size` bytes from `from` to `to`. The same client
// drives both servers, so its own CPU (outside either server's process tree) is the same for both.
import { createRequire } from 'node:module';
import { nowMs } from '../../smtp-ingest/lib/util.mjs';

const require = createRequire(new URL('../../../packages/server/package.json', import.meta.url));
const nodemailer = require('nodemailer');

/** A message of about `size` bytes: a few headers and a body of 76-character lines. */
export function makeMessage({ from, to, size, n }) {
  const head = [
    `From: <${from}>`,
    `To: <${to}>`,
    `Subject: outbound bench ${n}`,
    `Message-ID: <bench-${n}-${process.pid}@bench.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
  ].join('\r\n');
  const line = `${'x'.repeat(74)}\r\n`;
  const lines = Math.max(1, Math.ceil((size - head.length) / line.length));
  return Buffer.from(`${head}\r\n${line.repeat(lines)}`);
}

/**
 * @param {{ port: number, messages: number, sessions: number, size: number, from: string,
 *   to: (i: number) => string, auth?: { user: string, pass: string }, timeoutMs: number }} o
 */
export async function submit(o) {
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: o.port,
    secure: false,
    // jdmail's submission takes AUTH only after STARTTLS (RFC 8314); Postfix relays for mynetworks.
    ...(o.auth ? { requireTLS: true, auth: o.auth } : { ignoreTLS: true }),
    tls: { rejectUnauthorized: false },
    maxConnections: o.sessions,
    maxMessages: Number.POSITIVE_INFINITY,
    socketTimeout: o.timeoutMs,
  });
  const startMs = nowMs();
  let accepted = 0;
  const errors = [];
  let next = 0;
  const worker = async () => {
    while (next < o.messages) {
      const i = next++;
      const to = o.to(i);
      try {
        await transport.sendMail({
          envelope: { from: o.from, to: [to] },
          raw: makeMessage({ from: o.from, to, size: o.size, n: i }),
        });
        accepted++;
      } catch (err) {
        if (errors.length < 5) errors.push(String(err?.response ?? err?.message ?? err));
      }
    }
  };
  await Promise.all(Array.from({ length: o.sessions }, worker));
  const endMs = nowMs();
  transport.close();
  return { accepted, errors, startMs, endMs };
}
