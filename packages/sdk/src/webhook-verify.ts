import { bytesToBase64 } from './base64.js';

/**
 * Verifying webhook deliveries per the Standard Webhooks specification
 * (https://www.standardwebhooks.com), the same algorithm as the
 * `standardwebhooks` package, written on Web Crypto so that the SDK keeps
 * no dependencies and runs in Node 18+, Deno, Bun, workers and browsers:
 *
 * - the secret is `whsec_` + base64; the key is the decoded bytes;
 * - the signed content is `{webhook-id}.{webhook-timestamp}.{raw body}`;
 * - `webhook-signature` holds one or more space-separated `v1,<base64 HMAC-SHA256>`
 *   (two during a secret rotation's overlap); any one matching is enough;
 * - `webhook-timestamp` (Unix seconds) must be within 5 minutes of now, so a
 *   captured delivery cannot be replayed later.
 */

/** Why a delivery was refused. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** Request headers: a fetch `Headers`, or a Node-style object (`req.headers`). */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** Accepted clock difference, seconds; default 300 (the spec's). */
  toleranceSeconds?: number;
  /** The time to check against; default now. */
  now?: Date;
}

const PREFIX = 'whsec_';

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

function keyBytes(secret: string): Uint8Array<ArrayBuffer> {
  const b64 = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  try {
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  } catch {
    throw new WebhookVerificationError('the secret is not whsec_ followed by base64');
  }
}

/** Compares two strings in time that depends only on their length. */
function equal(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

async function sign(secret: string, content: Uint8Array<ArrayBuffer>): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    keyBytes(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return bytesToBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, content)));
}

/**
 * Checks a webhook delivery and returns its parsed body (a CloudEvents 1.0
 * event). Pass the body exactly as received — bytes or the raw string, not
 * re-serialized JSON — and the endpoint's secret (or several, e.g. the old
 * and the new one while you switch over). Throws
 * {@link WebhookVerificationError} when the headers are missing, the
 * timestamp is too old or too new, or no signature matches.
 *
 * @example
 * // Express: app.post('/jdmail', express.raw({ type: '*\/*' }), async (req, res) => {
 * const event = await verifyWebhook(req.body, req.headers, process.env.JDMAIL_WEBHOOK_SECRET!);
 * // De-duplicate by event.id (deliveries are at-least-once), then handle it and answer 2xx.
 */
export async function verifyWebhook(
  payload: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<unknown> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing webhook-* headers');
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds))
    throw new WebhookVerificationError('invalid webhook-timestamp');
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (seconds < now - tolerance) throw new WebhookVerificationError('webhook-timestamp is too old');
  if (seconds > now + tolerance) throw new WebhookVerificationError('webhook-timestamp is in the future');

  const body = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  const content = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
  const given = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => s.slice(3));
  for (const s of typeof secret === 'string' ? [secret] : secret) {
    const expected = await sign(s, content);
    if (given.some((g) => equal(g, expected))) return JSON.parse(body) as unknown;
  }
  throw new WebhookVerificationError('no matching signature');
}
