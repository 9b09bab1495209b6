import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { LoginGuard } from '../../../limits/index.js';
import {
  type FormParams,
  isOAuthError,
  OAuthError,
  type OAuthService,
  parseForm,
  parseTokenRequest,
} from '../../../oauth/index.js';
import { ref } from '../../schemas/common.js';
import { OAuthErrorModel, TokenRequestBody, TokenResponseModel } from '../../schemas/oauth.js';
import '../../fastify-types.js';

/** A token request is a few short parameters; anything bigger is not one. */
const FORM_LIMIT = 8 * 1024;

export interface TokenRouteDeps {
  oauth: OAuthService;
  /**
   * The login guard: failed client authentications count per address with
   * wrong API keys and app tokens (not with passwords).
   */
  loginGuard: LoginGuard;
}

const oauthError = (description: string, headers?: Record<string, object>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ref(OAuthErrorModel) } },
});

const DESCRIPTION = `The OAuth 2.0 client credentials grant (RFC 6749 §4.4). The body is
\`application/x-www-form-urlencoded\` (not JSON), and errors are OAuth error responses
(RFC 6749 §5.2: \`{ "error", "error_description" }\` as \`application/json\`), not problem+json —
so standard OAuth client libraries work unchanged.

Authenticate the app with HTTP Basic (\`client_secret_basic\`: client id and secret, each
form-urlencoded) or with \`client_id\` and \`client_secret\` in the body (\`client_secret_post\`), not
both. \`scope\` may narrow the token to a subset of the app's scopes. The access token is a JWT
(RFC 9068, \`typ: at+jwt\`) to send as \`Authorization: Bearer\`; verify it with
\`/.well-known/jwks.json\`. Responses are never cached (\`Cache-Control: no-store\`). A client's
secret is always checked, so the right one is never refused; once an address has sent too many
wrong credentials (client secrets, API keys, app tokens), a wrong one is answered with 429 and
\`Retry-After\` instead of 401.`;

/**
 * `POST /api/v1/oauth/token`, in a plugin of its own: the one route whose
 * body is a form and whose errors are OAuth's, so it has its own body
 * parser and error handler and changes nothing for the JSON routes.
 */
export const tokenRoute: FastifyPluginAsync<TokenRouteDeps> = async (app, { oauth, loginGuard }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_LIMIT },
    (_request, body, done) => done(null, parseForm(body as string)),
  );
  // RFC 6749 §5.1 (and §5.2 likewise): token responses must not be cached.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  });

  app.post(
    '/oauth/token',
    {
      config: { public: true },
      bodyLimit: FORM_LIMIT,
      schema: {
        operationId: 'createToken',
        tags: ['oauth'],
        summary: 'Get an app access token (client credentials)',
        description: DESCRIPTION,
        security: [{ oauthClient: [] }, {}],
        consumes: ['application/x-www-form-urlencoded'],
        body: ref(TokenRequestBody),
        response: {
          200: { ...ref(TokenResponseModel, 'The access token'), headers: NO_STORE_HEADERS },
          400: oauthError(
            '`invalid_request`, `unsupported_grant_type`, `invalid_scope`, or `invalid_grant` (the app is disabled)',
          ),
          401: oauthError('`invalid_client`: unknown client or wrong secret', {
            'WWW-Authenticate': { type: 'string', description: '`Basic realm="jdmail"`' },
          }),
          429: oauthError(
            '`temporarily_unavailable`: a wrong client secret after too many wrong credentials from this address',
            {
              'Retry-After': { type: 'integer', description: 'Seconds to wait before retrying' },
            },
          ),
          500: oauthError('`server_error`'),
        },
      },
      // The schema documents the form; parseTokenRequest checks it, with OAuth's error codes.
      validatorCompiler: () => () => true,
      errorHandler: (error, request, reply) => sendOAuthError(error, request, reply),
    },
    async (request) => {
      // Client secrets are 256 random bits: guessing one is hopeless, so the secret is checked
      // first and the right one always works (limits/login-guard.ts); only wrong ones are counted.
      try {
        const form = (request.body ?? {}) as FormParams;
        return await oauth.exchange(parseTokenRequest(request.headers.authorization, form));
      } catch (e) {
        if (!isOAuthError(e) || e.error !== 'invalid_client') throw e;
        request.log.info({ ip: request.ip }, 'oauth client authentication failed');
        const wait = await loginGuard.secretFailed(request.ip);
        if (wait === 0) throw e;
        throw new OAuthError(
          'temporarily_unavailable',
          `Too many failed client authentications; retry in ${wait} s`,
          wait,
        );
      }
    },
  );
};

const NO_STORE_HEADERS = {
  'Cache-Control': { type: 'string', description: '`no-store`' },
};

/** Every error of the token endpoint as an RFC 6749 §5.2 response. */
function sendOAuthError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const e = isOAuthError(error) ? error : fromFastify(error as FastifyError);
  if (!e) {
    request.log.error({ err: error }, 'unexpected error serving a token request');
    return reply
      .code(500)
      .type('application/json')
      .send({ error: 'server_error', error_description: 'An unexpected error occurred; it has been logged' });
  }
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  if (e.error === 'invalid_client') reply.header('www-authenticate', 'Basic realm="jdmail", charset="UTF-8"');
  if (e.retryAfter !== undefined) reply.header('retry-after', String(e.retryAfter));
  return reply.code(e.status).type('application/json').send(e.toJSON());
}

/** fastify's own request errors (body type, size) as `invalid_request`; anything else is ours to log. */
function fromFastify(error: FastifyError): OAuthError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new OAuthError('invalid_request', 'Send the token request as application/x-www-form-urlencoded');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new OAuthError('invalid_request', 'The request body is too large for a token request');
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return new OAuthError('invalid_request', error.message);
  return undefined;
}
