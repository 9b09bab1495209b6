import nodemailer from 'nodemailer';
import { expect } from 'vitest';
import type { Databases, EngineName } from '../harness/databases.js';
import { startServer, type TestServer } from '../harness/server.js';
import { RawSmtp } from '../harness/smtp-raw.js';

/**
 * Limits small enough for a test to meet them in seconds. Every session of a suite must stay
 * under MAX_SESSION_MS and send each command line at once, as real clients do.
 */
export const LIMITS = {
  maxConnectionsPerIp: 10,
  commandTimeoutMs: 1500,
  minDataRate: 2000,
  maxSessionMs: 8000,
  /** The one source address trusted to send a PROXY header. */
  proxy: '127.0.0.3',
};

/** The well-behaved client's own address: no attack in a suite comes from it. */
export const GOOD_CLIENT = '127.0.0.2';

/** Latencies the well-behaved client saw during the attacks, printed once the suite ends. */
const seen: { during: string; greetingMs: number; ehloMs: number }[] = [];

/** Prints what the well-behaved client saw (call once the suite is over). */
export function printLatencies(): void {
  for (const s of seen.splice(0))
    console.log(
      `well-behaved client during ${s.during}: 220 after ${s.greetingMs} ms, EHLO→250 in ${s.ehloMs} ms`,
    );
}

/**
 * A server (on SQLite unless `engine` says otherwise) with {@link LIMITS} and reverse DNS off (no
 * lookups leave the machine), the domain example.com and the users alice (`alice-password`) and
 * bob, made through the API.
 */
export async function startHostileServer(
  databases: Databases,
  engine: EngineName = 'sqlite',
): Promise<TestServer> {
  const db = await databases.fresh(engine);
  const server = await startServer({
    databaseUrl: db.databaseUrl,
    env: {
      JDMAIL_SMTP_MAX_CONNECTIONS_PER_IP: String(LIMITS.maxConnectionsPerIp),
      JDMAIL_SMTP_COMMAND_TIMEOUT_MS: String(LIMITS.commandTimeoutMs),
      JDMAIL_SMTP_MIN_DATA_RATE: String(LIMITS.minDataRate),
      JDMAIL_SMTP_MAX_SESSION_MS: String(LIMITS.maxSessionMs),
      JDMAIL_SMTP_PROXY_PROTOCOL: LIMITS.proxy,
      JDMAIL_SMTP_REVERSE_DNS_TIMEOUT_MS: '0',
    },
  });
  const post = async (path: string, body: object) => {
    const res = await fetch(`${server.baseUrl}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  };
  await post('/domains', { name: 'example.com' });
  await post('/users', { address: 'alice@example.com', password: 'alice-password' });
  await post('/users', { address: 'bob@example.com', password: 'bob-password' });
  return server;
}

/** A generous bound: the listener must answer a well-behaved client promptly whatever else goes on. */
export const RESPONSIVE_MS = 2000;

/**
 * Times a well-behaved client from {@link GOOD_CLIENT}: connect → 220 and EHLO → 250. Records
 * the numbers (printed after the suite) and asserts each is under {@link RESPONSIVE_MS}.
 */
export async function probe(port: number, during: string): Promise<void> {
  const start = performance.now();
  const c = await RawSmtp.connect(port, GOOD_CLIENT);
  try {
    expect((await c.reply()).code).toBe(220);
    const greeted = performance.now();
    const ehlo = await c.command('EHLO good.test');
    const ehloMs = Math.round(performance.now() - greeted);
    expect(ehlo.code).toBe(250);
    const greetingMs = Math.round(greeted - start);
    seen.push({ during, greetingMs, ehloMs });
    expect(greetingMs).toBeLessThan(RESPONSIVE_MS);
    expect(ehloMs).toBeLessThan(RESPONSIVE_MS);
    await c.command('QUIT');
  } finally {
    c.close();
  }
}

/** nodemailer on the MX port from the well-behaved client's address. */
export const goodTransport = (server: TestServer) =>
  nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtpPort,
    localAddress: GOOD_CLIENT,
    secure: false,
    tls: { rejectUnauthorized: false },
  });

/** The API as the admin: `GET /api/v1/users/<user><path>`. */
export async function api(server: TestServer, user: string, path: string): Promise<Response> {
  return fetch(`${server.baseUrl}/api/v1/users/${user}${path}`, {
    headers: { authorization: `Bearer ${server.adminKey}` },
  });
}

/** The subjects in `user`'s INBOX, newest first. */
export async function subjects(server: TestServer, user: string): Promise<string[]> {
  const res = await api(server, user, '/messages?limit=100');
  const { items } = (await res.json()) as { items: { subject: string }[] };
  return items.map((m) => m.subject);
}

/** Opens a session from `from` up to the 354 of DATA for `rcpt`. */
export async function openData(port: number, from: string, rcpt = 'alice@example.com'): Promise<RawSmtp> {
  const c = await RawSmtp.connect(port, from);
  expect((await c.reply()).code).toBe(220);
  expect((await c.command('EHLO hostile.test')).code).toBe(250);
  expect((await c.command('MAIL FROM:<x@remote.test>')).code).toBe(250);
  expect((await c.command(`RCPT TO:<${rcpt}>`)).code).toBe(250);
  expect((await c.command('DATA')).code).toBe(354);
  return c;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `text` a byte every `everyMs` until the socket closes; resolves when it has. */
export async function trickle(c: RawSmtp, text: string, everyMs: number): Promise<void> {
  for (const ch of text) {
    if (c.closed) return;
    c.write(ch);
    await sleep(everyMs);
  }
}
