import { randomUUID } from 'node:crypto';
import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { SCOPES, type Scope } from '../directory/index.js';
import { type KeyRing, SIGNING_ALGORITHMS } from './keys.js';

/** RFC 9068 §2.1: the `typ` of a JWT access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** The audience of our tokens: the REST API they are for (RFC 9068 §3, RFC 8707 resource). */
export const audienceOf = (issuer: string): string => `${issuer}/api/v1`;

/** A Bearer value of three base64url parts is a JWT; our API keys (`jdk_…`) never are. */
export const looksLikeJwt = (token: string): boolean =>
  token.length <= 8192 && /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);

/** The claims of a verified access token that we read. */
export interface AccessTokenClaims {
  clientId: string;
  scopes: Scope[];
  domain: string | null;
  /** Epoch seconds. */
  iat: number;
  exp: number;
}

export type VerifyResult =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: 'expired' | 'invalid' };

export interface TokenCodecDeps {
  keys: KeyRing;
  issuer: () => string;
  now: () => number;
}

const KNOWN_SCOPES: ReadonlySet<string> = new Set(SCOPES);

/**
 * Signs and verifies access tokens in the JWT profile of RFC 9068: header
 * `typ: at+jwt`; claims iss, aud, sub (= client_id, the client acting for
 * itself, §2.2), client_id, scope, jti, iat, exp; `jdmail_domain` when the
 * app is restricted to a domain.
 */
export function createTokenCodec({ keys, issuer, now }: TokenCodecDeps) {
  return {
    async sign(input: {
      clientId: string;
      scopes: Scope[];
      domain: string | null;
      lifetimeSeconds: number;
    }): Promise<{ token: string; iat: number; exp: number }> {
      const { kid, alg, key } = await keys.signer();
      const iss = issuer();
      const iat = Math.floor(now() / 1000);
      const exp = iat + input.lifetimeSeconds;
      const claims: JWTPayload = { client_id: input.clientId, scope: input.scopes.join(' ') };
      if (input.domain !== null) claims.jdmail_domain = input.domain;
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg, kid, typ: ACCESS_TOKEN_TYP })
        .setIssuer(iss)
        .setAudience(audienceOf(iss))
        .setSubject(input.clientId)
        .setJti(randomUUID())
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(key);
      return { token, iat, exp };
    },

    /** Checks signature (against a live key), typ, iss, aud, exp and the claims' shape. */
    async verify(token: string): Promise<VerifyResult> {
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
            audience: audienceOf(iss),
            typ: ACCESS_TOKEN_TYP,
            algorithms: [...SIGNING_ALGORITHMS],
            requiredClaims: ['iss', 'aud', 'sub', 'exp', 'iat', 'jti', 'client_id'],
            currentDate: new Date(now()),
          },
        );
        const claims = readClaims(payload);
        return claims ? { ok: true, claims } : { ok: false, reason: 'invalid' };
      } catch (e) {
        // jose checks exp only after the signature: an expired token is one we really issued.
        return { ok: false, reason: e instanceof errors.JWTExpired ? 'expired' : 'invalid' };
      }
    },
  };
}

export type TokenCodec = ReturnType<typeof createTokenCodec>;

function readClaims(p: JWTPayload): AccessTokenClaims | null {
  const { client_id: clientId, scope, jdmail_domain: domain, iat, exp, sub } = p;
  if (typeof clientId !== 'string' || clientId !== sub) return null;
  if (typeof scope !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return null;
  if (domain !== undefined && typeof domain !== 'string') return null;
  const scopes = scope.split(' ').filter((s): s is Scope => KNOWN_SCOPES.has(s));
  return { clientId, scopes, domain: domain ?? null, iat, exp };
}
