import type { RecipientResult } from './types.js';

/** A reply or local verdict that applies to recipients. */
export interface Verdict {
  status: RecipientResult['status'];
  code: number | null;
  enhanced: string | null;
  response: string;
}

const REPLY = /^(\d{3})(?:[ -](\d\.\d{1,3}\.\d{1,3}))?/;

/**
 * Classifies a remote reply (RFC 5321 §4.2.1): 2yz delivered, 4yz deferred
 * (transient), 5yz failed (permanent); the RFC 3463 enhanced code is kept
 * when the reply carries one. Anything else is a protocol error: deferred.
 */
export function verdictOfReply(reply: string): Verdict {
  const text = reply.trim();
  const match = REPLY.exec(text);
  const code = match ? Number(match[1]) : null;
  const enhanced = match?.[2] ?? null;
  if (code !== null && code >= 200 && code < 300)
    return { status: 'delivered', code, enhanced, response: text };
  if (code !== null && code >= 500 && code < 600) return { status: 'failed', code, enhanced, response: text };
  return { status: 'deferred', code, enhanced, response: text };
}

/** A verdict of our own (no remote reply): DNS, policy or local checks. */
export function localVerdict(status: RecipientResult['status'], enhanced: string, response: string): Verdict {
  return { status, code: null, enhanced, response };
}

/**
 * Classifies an error from nodemailer's SMTPConnection that carries no reply
 * (connect refused, reset, TLS failure, timeout): always transient — the
 * queue tries again later (RFC 5321 §4.5.4.1).
 */
export function verdictOfConnectionError(err: unknown, host: string): Verdict {
  const e = err as { code?: string; message?: string; response?: string; responseCode?: number };
  if (e.code === 'EAUTH') {
    // A refused login is our configuration's fault, not the message's: defer (Postfix's smtp_sasl_auth_soft_bounce).
    const reply = e.response ? verdictOfReply(e.response) : null;
    return {
      ...localVerdict('deferred', '4.7.0', `${host}: login refused: ${e.response ?? e.message}`),
      code: reply?.code ?? null,
    };
  }
  if (e.response && e.responseCode) return verdictOfReply(e.response);
  const what = e.code === 'ETLS' ? '4.7.0' : e.code === 'ETIMEDOUT' ? '4.4.2' : '4.4.1';
  return localVerdict('deferred', what, `${host}: ${e.message ?? String(err)}`);
}

/** One recipient's result from a verdict. */
export function resultOf(address: string, verdict: Verdict, remoteHost: string | null): RecipientResult {
  return { address, ...verdict, remoteHost };
}
