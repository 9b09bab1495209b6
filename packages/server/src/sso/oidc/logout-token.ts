import { type JWTPayload, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../../store/index.js';

/** OIDC Back-Channel Logout 1.0 §2.4: the event a logout token must carry. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A logout token older than this (by `iat`) is refused; its `jti` is remembered as long. */
export const LOGOUT_TOKEN_MAX_AGE_S = 10 * 60;
const CLOCK_TOLERANCE_S = 60;

export class InvalidLogoutToken extends Error {}

export interface LogoutTokenCheck {
  issuer: string;
  clientId: string;
  keys: JWTVerifyGetKey;
  /** Signing algorithms the provider may use (never `none`, never HMAC with a shared secret). */
  algorithms: string[];
  providerId: string;
  db: Kysely<DB>;
  now: () => number;
}

/**
 * Validates a logout token as OIDC Back-Channel Logout 1.0 §2.6 says, and
 * returns whom it logs out. Throws {@link InvalidLogoutToken} with a reason
 * safe to send back to the IdP.
 *
 * 1. (Decryption: not supported — no encryption keys are registered.)
 * 2. Signature by a key of the provider's JWKS, with an allowed algorithm.
 * 3. `iss` is the provider, `aud` includes our client id, `iat` present and
 *    recent; `exp`, when present, not passed.
 * 4. `sub` or `sid` (or both) present.
 * 5. `events` holds the back-channel-logout member, an object.
 * 6. No `nonce` (so an ID token cannot pass as a logout token).
 * 7. The `jti` was not seen before (recorded in the database, so a token
 *    replayed to another node is refused too).
 */
export async function verifyLogoutToken(
  token: string,
  check: LogoutTokenCheck,
): Promise<{ sid?: string; sub?: string; jti: string }> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, check.keys, {
      issuer: check.issuer,
      audience: check.clientId,
      algorithms: check.algorithms,
      requiredClaims: ['iat', 'jti'],
      maxTokenAge: LOGOUT_TOKEN_MAX_AGE_S,
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: new Date(check.now()),
    }));
  } catch (err) {
    throw new InvalidLogoutToken(describeJoseError(err));
  }
  const { sid, sub, jti, events } = payload as JWTPayload & { sid?: unknown; events?: unknown };
  if (typeof sid !== 'string' && typeof sub !== 'string') {
    throw new InvalidLogoutToken('the logout token has neither sub nor sid');
  }
  const event = (events as Record<string, unknown> | undefined)?.[BACKCHANNEL_LOGOUT_EVENT];
  if (typeof events !== 'object' || events === null || typeof event !== 'object' || event === null) {
    throw new InvalidLogoutToken('the logout token lacks the back-channel logout event');
  }
  if ('nonce' in payload) throw new InvalidLogoutToken('a logout token must not contain a nonce');
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) throw new InvalidLogoutToken('bad jti');

  const inserted = await check.db
    .insertInto('sso_seen_tokens')
    .values({
      provider_id: check.providerId,
      jti,
      expires_at: check.now() + (LOGOUT_TOKEN_MAX_AGE_S + 2 * CLOCK_TOLERANCE_S) * 1000,
    })
    .onConflict((oc) => oc.columns(['provider_id', 'jti']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    throw new InvalidLogoutToken('this logout token was already used');
  }
  return {
    ...(typeof sid === 'string' ? { sid } : {}),
    ...(typeof sub === 'string' ? { sub } : {}),
    jti,
  };
}

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'the logout token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed)
    return `the logout token's ${err.claim} claim is invalid`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'the logout token signature is invalid';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the provider matches the logout token';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'the logout token uses an algorithm not allowed';
  if (err instanceof joseErrors.JOSEError) return `the logout token is invalid (${err.code})`;
  return 'the logout token could not be verified';
}
