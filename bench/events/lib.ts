import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { TestServer } from '../../test/harness/server.js';

// nodemailer is a dependency of the tests' package: resolved from there, as bench/filter does.
const require = createRequire(new URL('../../test/package.json', import.meta.url));
/** The part of nodemailer this bench uses. */
export interface Transport {
  sendMail(mail: { envelope: { from: string; to: string[] }; raw: string }): Promise<unknown>;
  close(): void;
}
const nodemailer = require('nodemailer') as { createTransport(options: object): Transport };

/** A pooled plain-SMTP client with `sessions` connections kept open. */
export const smtpTransport = (port: number, sessions: number): Transport =>
  nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    pool: true,
    maxConnections: sessions,
    maxMessages: Number.POSITIVE_INFINITY,
    secure: false,
    ignoreTLS: true,
  });

/** A JSON call with the server's admin key; throws on an error answer. */
export async function api(
  server: TestServer,
  path: string,
  method: string,
  body?: unknown,
): Promise<unknown> {
  const r = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.adminKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
}

/** The p-th quantile (0..1) of sorted values, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

export const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

/** CPU ms (user + system) of the processes whose environment holds `marker` (Linux /proc): steadier than msg/s on a shared box. */
export function cpuMsOf(marker: string): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').includes(marker)) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone in between
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}
