import libmime from 'libmime';
import type { MessageDetail } from '../../mail/index.js';
import type { MessageFacts } from './facts.js';
import type { AuthResult } from './schema.js';

const AUTH_RESULTS = new Set<string>([
  'pass',
  'fail',
  'softfail',
  'neutral',
  'none',
  'temperror',
  'permerror',
]);

/**
 * SPF, DKIM and DMARC results from the `Authentication-Results` fields our
 * own MX added (RFC 8601 §2.2: `method=result`); the first of each wins,
 * which is the topmost, i.e. ours.
 */
export function authFromHeaders(headers: readonly { name: string; value: string }[]): MessageFacts['auth'] {
  const auth: MessageFacts['auth'] = {};
  for (const h of headers) {
    if (h.name.toLowerCase() !== 'authentication-results') continue;
    for (const m of h.value.matchAll(/\b(spf|dkim|dmarc)=([a-z]+)/gi)) {
      const method = (m[1] as string).toLowerCase() as 'spf' | 'dkim' | 'dmarc';
      const result = (m[2] as string).toLowerCase();
      if (auth[method] === undefined && AUTH_RESULTS.has(result)) auth[method] = result as AuthResult;
    }
  }
  return auth;
}

/** The spam score from an `X-Spam-Score` field, if the message has one. */
function spamScoreOf(headers: readonly { name: string; value: string }[]): number | null {
  const h = headers.find((x) => x.name.toLowerCase() === 'x-spam-score');
  const n = h ? Number.parseFloat(h.value) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

/** A header value unfolded and RFC 2047-decoded, as conditions compare it; a broken encoded word stays as it is. */
function decoded(value: string): string {
  const unfolded = value.replace(/\r?\n[ \t]+/g, ' ');
  try {
    return libmime.decodeWords(unfolded);
  } catch {
    return unfolded;
  }
}

/** What a dry run may say about the envelope, which a stored message no longer has. */
export interface StoredEnvelope {
  direction?: 'inbound' | 'outbound';
  /** Default: the From address of the message. */
  from?: string;
  clientIp?: string | null;
  authenticated?: boolean;
}

/**
 * The facts of a stored message for a dry run ("what would these rules do to
 * this message?"), delivered to `recipient`. The header, size and
 * attachments are the message's; the envelope is what the caller says, else
 * the From address and an inbound delivery from an unknown client; the
 * authentication results and spam score come from the header fields the
 * server added on receipt.
 */
export function factsFromStoredMessage(
  message: MessageDetail,
  recipient: string,
  groups: MessageFacts['groups'],
  envelope: StoredEnvelope = {},
): MessageFacts {
  return {
    direction: envelope.direction ?? 'inbound',
    envelope: {
      from: envelope.from ?? message.from?.address ?? '',
      to: [recipient],
      clientIp: envelope.clientIp ?? null,
      authenticated: envelope.authenticated ?? false,
    },
    headers: message.headers.map((h) => ({ name: h.name, value: decoded(h.value) })),
    size: message.size,
    attachments: message.attachments.map((a) => ({ name: a.filename ?? '', type: a.contentType })),
    auth: authFromHeaders(message.headers),
    spamScore: spamScoreOf(message.headers),
    groups,
  };
}
