import { Type } from 'typebox';
import { SCOPES } from '../../directory/index.js';

/**
 * The token endpoint's body (RFC 6749 §4.4.2, §2.3.1). Documentation only:
 * the endpoint reads the form itself, so a bad request gets OAuth's error
 * codes rather than a validation problem.
 */
export const TokenRequestBody = Type.Object(
  {
    grant_type: Type.String({
      description: 'Must be `client_credentials`',
      examples: ['client_credentials'],
    }),
    scope: Type.Optional(
      Type.String({
        description: 'Space-delimited subset of the app’s scopes; omitted: all of them',
        examples: ['mail:read users:read'],
      }),
    ),
    client_id: Type.Optional(Type.String({ description: '`client_secret_post` only: the client id' })),
    client_secret: Type.Optional(
      Type.String({ description: '`client_secret_post` only: the client secret' }),
    ),
  },
  { $id: 'TokenRequest', title: 'TokenRequest', description: 'A client credentials token request' },
);

export const TokenResponseModel = Type.Object(
  {
    access_token: Type.String({ description: 'A JWT (RFC 9068); send it as `Authorization: Bearer`' }),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'Seconds until the token expires' }),
    scope: Type.String({ description: 'The granted scopes, space-delimited' }),
  },
  { $id: 'TokenResponse', title: 'TokenResponse', description: 'RFC 6749 §5.1 access token response' },
);

export const OAuthErrorModel = Type.Object(
  {
    error: Type.Unsafe<string>({
      type: 'string',
      enum: [
        'invalid_request',
        'invalid_client',
        'invalid_grant',
        'unauthorized_client',
        'unsupported_grant_type',
        'invalid_scope',
        'temporarily_unavailable',
        'server_error',
      ],
      description: 'RFC 6749 §5.2 error code (`temporarily_unavailable` and `server_error` from §4.1.2.1)',
    }),
    error_description: Type.String({ description: 'What went wrong, for the developer' }),
  },
  { $id: 'OAuthError', title: 'OAuthError', description: 'RFC 6749 §5.2 error response' },
);

export const JwkModel = Type.Object(
  {
    kty: Type.String({ description: '`OKP` (Ed25519) or `EC` (P-256)' }),
    crv: Type.Optional(Type.String()),
    x: Type.Optional(Type.String()),
    y: Type.Optional(Type.String()),
    kid: Type.String({ description: 'RFC 7638 thumbprint; the `kid` of the tokens it signed' }),
    use: Type.Literal('sig'),
    alg: Type.String({ description: '`EdDSA` or `ES256`' }),
  },
  { $id: 'Jwk', title: 'Jwk', description: 'A public signing key (RFC 7517)' },
);

export const JwksModel = Type.Object(
  { keys: Type.Array(Type.Unsafe({ $ref: 'Jwk' })) },
  {
    $id: 'Jwks',
    title: 'Jwks',
    description: 'The keys app tokens are verified with: the signing key and older ones not yet retired',
  },
);

export const AuthorizationServerMetadataModel = Type.Object(
  {
    issuer: Type.String({ description: 'The `iss` of every token' }),
    token_endpoint: Type.String(),
    jwks_uri: Type.String(),
    scopes_supported: Type.Array(Type.Unsafe<string>({ type: 'string', enum: [...SCOPES] })),
    response_types_supported: Type.Array(Type.String()),
    grant_types_supported: Type.Array(Type.String()),
    token_endpoint_auth_methods_supported: Type.Array(Type.String()),
    service_documentation: Type.Optional(Type.String()),
  },
  {
    $id: 'AuthorizationServerMetadata',
    title: 'AuthorizationServerMetadata',
    description: 'RFC 8414 OAuth 2.0 Authorization Server Metadata',
  },
);
