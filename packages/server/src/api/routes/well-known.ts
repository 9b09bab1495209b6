import type { FastifyPluginAsync } from 'fastify';
import type { OAuthService } from '../../oauth/index.js';
import { ref } from '../schemas/common.js';
import { AuthorizationServerMetadataModel, JwksModel } from '../schemas/oauth.js';
import '../fastify-types.js';

/**
 * Public keys may be cached briefly: a new signing key is used at once, and
 * verifiers such as jose's remote JWKS re-fetch when a token names a key
 * they do not have.
 */
const CACHE = 'public, max-age=60';

/** `/.well-known/…`: what a resource server needs to verify app tokens without calling us per token. */
export const wellKnownRoutes: FastifyPluginAsync<{ oauth: OAuthService }> = async (app, { oauth }) => {
  app.get(
    '/.well-known/jwks.json',
    {
      config: { public: true },
      schema: {
        operationId: 'getJwks',
        tags: ['oauth'],
        summary: 'Public keys of app tokens (JWKS)',
        description:
          'The keys app access tokens are signed with (RFC 7517 JWK Set): the current signing key and older ' +
          'keys until every token they signed has expired. Match a token’s `kid`. Private keys are never served.',
        security: [],
        response: { 200: ref(JwksModel, 'The JWK Set') },
      },
    },
    async (_request, reply) => reply.header('cache-control', CACHE).send(await oauth.jwks()),
  );

  app.get(
    '/.well-known/oauth-authorization-server',
    {
      config: { public: true },
      schema: {
        operationId: 'getAuthorizationServerMetadata',
        tags: ['oauth'],
        summary: 'OAuth 2.0 authorization server metadata',
        description:
          'RFC 8414 metadata: the issuer (`iss` of every token), the token endpoint, the JWKS URL, ' +
          'the supported grant, client authentication methods and scopes.',
        security: [],
        response: { 200: ref(AuthorizationServerMetadataModel, 'The metadata') },
      },
    },
    async (_request, reply) => reply.header('cache-control', CACHE).send(oauth.metadata()),
  );
};
