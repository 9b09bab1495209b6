import nodemailer from 'nodemailer';
import type { TestServer } from './server.js';
import { WebClient } from './web-client.js';

/** What a server answered one sign-in: success, or the refusal's status/reply code and text. */
export interface SignInAnswer {
  ok: boolean;
  /** SMTP reply code or HTTP status. */
  code: number;
  text: string;
  /** HTTP `Retry-After`, or the wait an SMTP 454 names. */
  retryAfter?: number;
}

/**
 * SMTP AUTH with nodemailer on a connection of its own, from `localAddress`
 * (127.0.0.2 … look like other machines): EHLO, STARTTLS, AUTH PLAIN, QUIT.
 */
export async function smtpSignIn(
  server: TestServer,
  user: string,
  pass: string,
  localAddress = '127.0.0.1',
): Promise<SignInAnswer> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.submissionPort,
    secure: false,
    requireTLS: true,
    localAddress,
    auth: { user, pass },
    tls: { rejectUnauthorized: false },
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 30_000,
  });
  try {
    await transport.verify();
    return { ok: true, code: 235, text: '' };
  } catch (err) {
    const e = err as { responseCode?: number; response?: string; message: string };
    if (e.responseCode === undefined) throw err;
    const text = e.response ?? e.message;
    const wait = /try again in (\d+) second/.exec(text);
    return { ok: false, code: e.responseCode, text, retryAfter: wait ? Number(wait[1]) : undefined };
  } finally {
    transport.close();
  }
}

/** A request to the server from `localAddress`; the answer as a {@link SignInAnswer}. */
export async function httpSignIn(
  server: TestServer,
  localAddress: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<SignInAnswer> {
  const res = await new WebClient({ localAddress }).request(`${server.baseUrl}${path}`, init);
  const retryAfter = res.headers.get('retry-after');
  return {
    ok: res.status === 200,
    code: res.status,
    text: res.text,
    retryAfter: retryAfter === null ? undefined : Number(retryAfter),
  };
}

export const basicAuth = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

/** `GET /api/v1/users/{user}` with Basic credentials. */
export const apiSignIn = (server: TestServer, user: string, password: string, localAddress: string) =>
  httpSignIn(server, localAddress, `/api/v1/users/${user}`, { headers: basicAuth(user, password) });

/** `POST /auth/login`, the webmail's password sign-in. */
export const webSignIn = (server: TestServer, address: string, password: string, localAddress: string) =>
  httpSignIn(server, localAddress, '/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ address, password }),
  });

/**
 * Signs in with the right password as a real user would: on a refusal that
 * names a wait, waits it and tries again. Resolves the answer that ended it
 * and the seconds waited in all; gives up once the waits pass `maxWaitSeconds`.
 */
export async function signInPatiently(
  attempt: () => Promise<SignInAnswer>,
  maxWaitSeconds: number,
): Promise<{ answer: SignInAnswer; waited: number }> {
  let waited = 0;
  for (;;) {
    const answer = await attempt();
    const wait = answer.retryAfter;
    if (answer.ok || wait === undefined || waited + wait > maxWaitSeconds) return { answer, waited };
    waited += wait;
    await new Promise((r) => setTimeout(r, wait * 1000 + 100));
  }
}
