import { OAuthError } from './errors.js';

/** A token request as the endpoint understood it. */
export interface ClientCredentialsRequest {
  clientId: string;
  clientSecret: string;
  /** The `scope` parameter, space-delimited; undefined when omitted or empty. */
  scope: string | undefined;
  /** How the client authenticated (RFC 7591 §2 names). */
  authMethod: 'client_secret_basic' | 'client_secret_post';
}

/** The form body: every parameter with all its values (duplicates are an error, so keep them). */
export type FormParams = Record<string, string[]>;

/** Parses `application/x-www-form-urlencoded` (RFC 6749 Appendix B) keeping repeated names. */
export function parseForm(body: string): FormParams {
  const out: FormParams = Object.create(null);
  for (const [name, value] of new URLSearchParams(body)) {
    const values = out[name];
    if (values) values.push(value);
    else out[name] = [value];
  }
  return out;
}

/**
 * Reads a client credentials token request (RFC 6749 §4.4.2) and its
 * client authentication (§2.3.1): HTTP Basic (`client_secret_basic`) or
 * `client_id` + `client_secret` in the body (`client_secret_post`), never
 * both. Throws {@link OAuthError} with the code §5.2 prescribes.
 */
export function parseTokenRequest(
  authorization: string | undefined,
  params: FormParams,
): ClientCredentialsRequest {
  const one = (name: string): string | undefined => {
    const values = params[name];
    if (!values) return undefined;
    // §3.2: parameters MUST NOT be included more than once.
    if (values.length > 1) throw new OAuthError('invalid_request', `The ${name} parameter is repeated`);
    // §3.1: parameters sent without a value MUST be treated as if they were omitted.
    return values[0] === '' ? undefined : values[0];
  };
  const grantType = one('grant_type');
  const scope = one('scope');
  const bodyId = one('client_id');
  const bodySecret = one('client_secret');

  if (grantType === undefined) throw new OAuthError('invalid_request', 'The grant_type parameter is missing');
  if (grantType !== 'client_credentials') {
    throw new OAuthError('unsupported_grant_type', 'Only grant_type=client_credentials is supported');
  }
  if (scope !== undefined && !/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/.test(scope)) {
    // §3.3: scope = scope-token *( SP scope-token )
    throw new OAuthError('invalid_request', 'The scope parameter is not a space-delimited list of scopes');
  }

  if (authorization !== undefined && authorization.trim() !== '') {
    const basic = checkClient(parseBasic(authorization));
    if (bodySecret !== undefined) {
      throw new OAuthError(
        'invalid_request',
        'Use one client authentication method, not Basic and client_secret',
      );
    }
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body differs from the Basic credentials');
    }
    return { ...basic, scope, authMethod: 'client_secret_basic' };
  }
  if (bodyId === undefined || bodySecret === undefined) {
    throw new OAuthError(
      'invalid_client',
      'Authenticate the client: HTTP Basic with client id and secret, or client_id and client_secret in the body',
    );
  }
  return {
    ...checkClient({ clientId: bodyId, clientSecret: bodySecret }),
    scope,
    authMethod: 'client_secret_post',
  };
}

/** RFC 6749 Appendix A.1, A.2: a client id and secret are printable ASCII; anything else is no client of ours. */
function checkClient<T extends { clientId: string; clientSecret: string }>(client: T): T {
  if (!VSCHARS.test(client.clientId) || !VSCHARS.test(client.clientSecret)) {
    throw new OAuthError('invalid_client', 'Client authentication failed');
  }
  return client;
}

const VSCHARS = /^[\x20-\x7e]*$/;

/**
 * `Authorization: Basic` for a client (RFC 6749 §2.3.1): id and secret are
 * each form-urlencoded before they are joined with a colon and base64-encoded.
 */
function parseBasic(header: string): { clientId: string; clientSecret: string } {
  const invalid = () =>
    new OAuthError('invalid_client', 'The Authorization header is not valid Basic client credentials');
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (!match?.[1]) throw invalid();
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw invalid();
  try {
    const clientId = formDecode(decoded.slice(0, colon));
    const clientSecret = formDecode(decoded.slice(colon + 1));
    if (!clientSecret) throw invalid();
    return { clientId, clientSecret };
  } catch {
    throw invalid();
  }
}

const formDecode = (s: string) => decodeURIComponent(s.replaceAll('+', ' '));
