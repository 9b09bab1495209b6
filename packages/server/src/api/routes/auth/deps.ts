import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Directory } from '../../../directory/index.js';
import type { ClientInfo, Sso } from '../../../sso/index.js';
import { overTls } from '../../auth/session-cookie.js';

/** What the `/auth` routes need. */
export interface WebAuthDeps {
  sso: Sso;
  directory: Directory;
  /** `http.publicUrl`; empty: taken from each request. */
  publicUrl: string;
}

export type WebAuthPlugin = FastifyPluginAsyncTypebox<WebAuthDeps>;

/** Who is signing in, for the session record and the audit. */
export const clientOf = (request: FastifyRequest): ClientInfo => ({
  ip: request.ip,
  userAgent: String(request.headers['user-agent'] ?? ''),
});

/**
 * The server's own base URL (scheme, host, port; no path): the configured
 * public URL, else what this request was addressed to — the Host header, and
 * behind a trusted proxy `X-Forwarded-Host`/`-Proto`.
 */
export const baseUrlOf = (request: FastifyRequest, publicUrl: string): string =>
  publicUrl ? publicUrl.replace(/\/+$/, '') : `${request.protocol}://${request.host}`;

/** Whether cookies set in answer to this request get `Secure`. */
export const secureCookies = (request: FastifyRequest, publicUrl: string): boolean =>
  overTls(request, publicUrl);

/** The login page with an error the webmail explains (contract: link_invalid, sso_failed …). */
export const loginError = (code: string): string => `/login?error=${encodeURIComponent(code)}`;

/** OpenAPI for a browser step that always answers with a redirect. */
export const Redirect = (description: string) => ({
  description,
  headers: { Location: { type: 'string', description: 'Where the browser goes' } },
  ...Type.Null(),
});
