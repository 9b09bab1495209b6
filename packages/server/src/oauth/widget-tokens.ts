import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { type KeyRing, SIGNING_ALGORITHMS } from './keys.js';

/**
 * The `typ` of a widget token. Not `at+jwt`: an app-token verifier refuses
 * it (RFC 8725 §3.11, explicit typing keeps one kind of JWT from being
 * accepted as another), and this one refuses app tokens.
 */
export const WIDGET_TOKEN_TYP = 'jdmail-widget+jwt';

/** A widget token is for the widget endpoints, not the REST API at large. */
export const widgetAudienceOf = (issuer: string): string => `${issuer}/widget`;

/** Whether a Bearer JWT says it is a widget token (its header only; nothing is verified). */
export function isWidgetTokenHeader(token: string): boolean {
  try {
    return decodeProtectedHeader(token).typ === WIDGET_TOKEN_TYP;
  } catch {
    return false;
  }
}

/** The claims of a verified widget token. */
export interface WidgetTokenClaims {
  /** The app that minted it. */
  clientId: string;
  /** The user it reads for: canonical address and id (the id survives a rename of the address). */
  address: string;
  userId: string;
  /** Epoch seconds. */
  iat: number;
  exp: number;
}

export type WidgetVerifyResult =
  | { ok: true; claims: WidgetTokenClaims }
  | { ok: false; reason: 'expired' | 'invalid' };

export interface WidgetTokenCodecDeps {
  keys: KeyRing;
  issuer: () => string;
  now: () => number;
}

/**
 * Signs and verifies widget tokens with the app-token keys: header
 * `typ: jdmail-widget+jwt`; claims iss, aud (`<issuer>/widget`), sub (the
 * user's address), client_id (the minting app), jdmail_uid, jti, iat, exp.
 * They carry no scopes: what a widget token may do is fixed (see api/auth).
 */
export function createWidgetTokenCodec({ keys, issuer, now }: WidgetTokenCodecDeps) {
  return {
    async sign(input: {
      clientId: string;
      address: string;
      userId: string;
      lifetimeSeconds: number;
    }): Promise<{ token: string; exp: number }> {
      const { kid, alg, key } = await keys.signer();
      const iss = issuer();
      const iat = Math.floor(now() / 1000);
      const exp = iat + input.lifetimeSeconds;
      const token = await new SignJWT({ client_id: input.clientId, jdmail_uid: input.userId })
        .setProtectedHeader({ alg, kid, typ: WIDGET_TOKEN_TYP })
        .setIssuer(iss)
        .setAudience(widgetAudienceOf(iss))
        .setSubject(input.address)
        .setJti(randomUUID())
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(key);
      return { token, exp };
    },

    /** Checks signature (against a live key), typ, iss, aud, exp and the claims' shape. */
    async verify(token: string): Promise<WidgetVerifyResult> {
      const iss = issuer();
      try {
        const { payload } = await jwtVerify(
          token,
          async (header) => {
            const key = header.kid ? await keys.verificationKey(header.kid) : undefined;
            if (!key) throw new errors.JWKSNoMatchingKey();
            return key;
          },
          {
            issuer: iss,
            audience: widgetAudienceOf(iss),
            typ: WIDGET_TOKEN_TYP,
            algorithms: [...SIGNING_ALGORITHMS],
            requiredClaims: ['iss', 'aud', 'sub', 'exp', 'iat', 'jti', 'client_id', 'jdmail_uid'],
            currentDate: new Date(now()),
          },
        );
        const claims = readClaims(payload);
        return claims ? { ok: true, claims } : { ok: false, reason: 'invalid' };
      } catch (e) {
        return { ok: false, reason: e instanceof errors.JWTExpired ? 'expired' : 'invalid' };
      }
    },
  };
}

function readClaims(p: JWTPayload): WidgetTokenClaims | null {
  const { client_id: clientId, jdmail_uid: userId, sub, iat, exp } = p;
  if (typeof clientId !== 'string' || typeof userId !== 'string' || typeof sub !== 'string') return null;
  if (typeof iat !== 'number' || typeof exp !== 'number') return null;
  return { clientId, address: sub, userId, iat, exp };
}
