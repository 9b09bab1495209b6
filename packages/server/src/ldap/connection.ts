import { isIP } from 'node:net';
import { Client } from 'ldapts';
import { AppError, isAppError } from '../shared/index.js';
import type { LdapSource } from './source.js';

/**
 * The error for "cannot ask the directory": what clients see is generic
 * (it may reach a mail client); the cause, with host and LDAP code, stays
 * for logs and for the admin's sync report (see {@link describeError}).
 */
export function unavailable(source: LdapSource, cause: unknown): AppError {
  const err = new AppError('DIRECTORY_UNAVAILABLE', 'The user directory cannot be reached; try again', {
    source: source.name,
  });
  (err as Error & { cause?: unknown }).cause = cause;
  return err;
}

/** An error's message with its cause's, for logs and sync reports (never shown to mail clients). */
export function describeError(err: unknown): string {
  const e = err as Error & { cause?: unknown };
  const own = e?.message ?? String(err);
  const cause = e?.cause as Error | undefined;
  return cause?.message ? `${own}: ${cause.message}` : own;
}

/** The host name to check the server certificate against (SNI may not carry an IP address, RFC 6066 §3). */
function serverName(url: string): string | undefined {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host && isIP(host) === 0 ? host : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Connects to the source (TLS per its URL, StartTLS when configured, its CA),
 * binds as the service account (anonymously when there is none), runs `fn`,
 * and always unbinds — a connection left open keeps Node from exiting.
 * Anything that stops the conversation becomes `DIRECTORY_UNAVAILABLE`;
 * errors `fn` raises as AppErrors pass through.
 */
export async function withConnection<T>(source: LdapSource, fn: (client: Client) => Promise<T>): Promise<T> {
  const tls = () => ({ ...(source.ca ? { ca: source.ca } : {}), servername: serverName(source.url) });
  // TLS options only for ldaps://: given to a plain ldap:// client, ldapts breaks a later StartTLS.
  const client = new Client({
    url: source.url,
    timeout: source.timeoutMs,
    connectTimeout: source.timeoutMs,
    ...(source.url.startsWith('ldaps:') ? { tlsOptions: tls() } : {}),
  });
  try {
    if (source.startTls) await client.startTLS(tls());
    if (source.bindDn) await client.bind(source.bindDn, source.bindPassword);
    return await fn(client);
  } catch (err) {
    if (isAppError(err)) throw err;
    throw unavailable(source, err);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
