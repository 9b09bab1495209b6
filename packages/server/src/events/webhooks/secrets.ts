import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Endpoint secrets and signatures per the Standard Webhooks specification
 * (https://www.standardwebhooks.com, "Signature scheme"): the secret is
 * `whsec_` + base64 of random bytes; the signature is `v1,` + base64 of
 * HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`. Signing is
 * the `standardwebhooks` package's own, so receivers verifying with it (or
 * any port of it) agree with us byte for byte.
 */

const PREFIX = 'whsec_';
/** 32 bytes: the spec allows 24 to 64; HMAC-SHA256's block is 64, its output 32. */
const SECRET_BYTES = 32;

/** A new endpoint secret, `whsec_<base64>`. */
export const newSecret = (): string => PREFIX + randomBytes(SECRET_BYTES).toString('base64');

/** Whether `s` is a secret of ours (or one an operator could have made): `whsec_` + 24 to 64 bytes of base64. */
export function isSecret(s: string): boolean {
  if (!s.startsWith(PREFIX)) return false;
  const b64 = s.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return false;
  const n = Buffer.from(b64, 'base64').length;
  return n >= 24 && n <= 64;
}

/** The headers of one delivery. */
export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Signers by secret: decoding the key costs more than the HMAC of a small event. */
const signers = new Map<string, Webhook>();
function signer(secret: string): Webhook {
  let w = signers.get(secret);
  if (!w) {
    if (signers.size > 10_000) signers.clear();
    w = new Webhook(secret);
    signers.set(secret, w);
  }
  return w;
}

/**
 * Signs `body` as message `id` at `at` with every secret given (the current
 * one first, then one in its rotation overlap): several signatures,
 * space-separated in `webhook-signature`, as the spec allows for rotation.
 */
export function signDelivery(id: string, at: Date, body: string, secrets: readonly string[]): SignedHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => signer(s).sign(id, at, body)).join(' '),
  };
}
