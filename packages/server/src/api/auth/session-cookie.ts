import type { FastifyReply, FastifyRequest } from 'fastify';

/** The web session cookie (contract with the webmail, which never reads it). */
export const SESSION_COOKIE = 'jdmail_session';

/** Methods that change state: with a session cookie they need `X-CSRF-Token`. */
export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The session token the browser sent, if any. */
export const readSessionToken = (request: FastifyRequest): string | undefined =>
  request.cookies?.[SESSION_COOKIE];

/**
 * Whether the browser reached us over TLS: directly, or through a trusted
 * proxy that said so (`X-Forwarded-Proto`, honoured only with
 * `http.trustProxy`), or because the configured public URL is https.
 */
export const overTls = (request: FastifyRequest, publicUrl: string): boolean =>
  request.protocol === 'https' || publicUrl.startsWith('https:');

/**
 * Sets the session cookie: HttpOnly (scripts never see it), SameSite=Lax
 * (not sent on cross-site subrequests or POSTs), Path=/, Secure under TLS,
 * and no longer-lived than the session itself.
 */
export function setSessionCookie(
  reply: FastifyReply,
  token: string,
  expiresAt: number,
  secure: boolean,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: Math.max(0, Math.floor((expiresAt - Date.now()) / 1000)),
  });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}
