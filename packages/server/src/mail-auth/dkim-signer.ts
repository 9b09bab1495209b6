import type { Readable } from 'node:stream';
import { dkimSign } from 'mailauth';
import type { Logger } from 'pino';
import type { DkimKeys, SigningKey } from './dkim-keys.js';

/** What the queue worker calls before handing a message to the transport (the issue-23 contract). */
export interface DkimSigner {
  /**
   * The `DKIM-Signature` header(s) for the message, CRLF-terminated, to put
   * above it; null when `fromDomain` has no key (not ours, or none made).
   */
  sign(input: { fromDomain: string; body(): Readable }): Promise<string | null>;
}

export interface DkimSignerDeps {
  keys: Pick<DkimKeys, 'signingKey'>;
  log: Logger;
  /** How long a domain's key is kept in memory; a rotation elsewhere is seen within this. */
  cacheMs?: number;
  now?: () => number;
}

/** The reason of one of mailauth's signing errors (`{ err }` objects), without the key. */
const errorText = (e: unknown): string => {
  const err = (e as { err?: unknown }).err ?? e;
  return err instanceof Error ? err.message : String(err);
};

/**
 * Signs outbound mail with the From domain's active key: rsa-sha256,
 * relaxed/relaxed canonicalization (RFC 6376 §3.4.2, §3.4.4: survives the
 * header refolding and trailing-space changes relays make).
 */
export function createDkimSigner(deps: DkimSignerDeps): DkimSigner {
  const cacheMs = deps.cacheMs ?? 60_000;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { at: number; key: SigningKey | null }>();

  async function keyOf(domain: string): Promise<SigningKey | null> {
    const hit = cache.get(domain);
    if (hit && now() - hit.at < cacheMs) return hit.key;
    const key = await deps.keys.signingKey(domain);
    cache.set(domain, { at: now(), key });
    return key;
  }

  return {
    async sign({ fromDomain, body }) {
      const domain = fromDomain.toLowerCase();
      const key = await keyOf(domain);
      if (!key) return null;
      // mailauth signs what `signatureData` lists (its top-level key fields are the typings' only).
      // Signed headers: mailauth's default list (RFC 6376 §5.4.1: From, Subject, Date, To, Cc,
      // Message-ID, MIME and List-* headers …), each as many times as it appears.
      const data = { signingDomain: domain, selector: key.selector, privateKey: key.privateKey };
      const result = await dkimSign(body(), {
        ...data,
        algorithm: key.algorithm,
        canonicalization: 'relaxed/relaxed',
        signatureData: [{ ...data, algorithm: key.algorithm, canonicalization: 'relaxed/relaxed' }],
      });
      if (result.errors?.length) {
        // The message goes out unsigned rather than not at all; the reason, never the key, is logged.
        deps.log.warn({ domain, errors: result.errors.map(errorText) }, 'DKIM signing failed');
        return null;
      }
      // No signature and no error would be a silent unsigned send: say so.
      if (!/^DKIM-Signature:/i.test(result.signatures)) {
        deps.log.warn({ domain }, 'DKIM signing produced no signature');
        return null;
      }
      return result.signatures;
    },
  };
}
