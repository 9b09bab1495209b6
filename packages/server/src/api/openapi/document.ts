import type { SwaggerOptions } from '@fastify/swagger';
import { SCOPES, type Scope } from '../../directory/index.js';

/** Version of the API contract; bump with every change to /api/v1 a client can see. */
export const API_VERSION = '1.0.0';

const TAGS = [
  { name: 'domains', description: 'Mail domains served by this install' },
  { name: 'users', description: 'Mail users: provisioning, roles, enabling and disabling' },
  { name: 'groups', description: 'Departments and groups: one tree per domain, with members' },
  {
    name: 'filter',
    description:
      'The mail filter: global and personal rules (with a dry run), groups’ mail policies, and spam training',
  },
  { name: 'mail', description: "Users' mailboxes and messages: lists, unread counts, flags, sending" },
  {
    name: 'apps',
    description: 'Registered apps: integrations that get access tokens with their client credentials',
  },
  {
    name: 'api-keys',
    description:
      'API keys for integrations: listed without their secrets, rotated with a grace period, revoked at once',
  },
  {
    name: 'oauth',
    description:
      'OAuth 2.0 client credentials (RFC 6749 §4.4): access tokens for apps, the keys that verify them, server metadata',
  },
  {
    name: 'sso',
    description: 'Single sign-on for integrations: one-click login links, and users’ signed-in sessions',
  },
  {
    name: 'widget',
    description:
      'The `<jdmail-inbox>` widget: widget tokens minted by a portal’s backend, and the few routes the widget calls',
  },
  {
    name: 'web-auth',
    description:
      'Browser sign-in for the webmail (`/auth/…`): password, login links, OIDC; the session cookie ' +
      '`jdmail_session` then authenticates `/api/v1` calls, with `X-CSRF-Token` on state-changing ones',
  },
  {
    name: 'directory',
    description: 'LDAP / Active Directory sync jobs, the global address book and the department tree',
  },
  {
    name: 'queue',
    description: 'The outbound queue (messages waiting for remote servers) and message traces',
  },
  {
    name: 'events',
    description: 'The event log: every change that matters, as CloudEvents, in order, replayable by cursor',
  },
  {
    name: 'webhooks',
    description:
      'Signed HTTP deliveries of the event log (Standard Webhooks): endpoints, secrets and their rotation, delivery attempts',
  },
  {
    name: 'admin',
    description:
      'What the admin console shows: the audit log of every change made through the API, dashboard statistics',
  },
  { name: 'health', description: 'Liveness and readiness probes' },
];

const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'domains:read': 'Read domains',
  'domains:write': 'Add and delete domains',
  'users:read': 'Read users',
  'users:write': 'Create, change, disable and delete users',
  'groups:read': 'Read departments and groups',
  'groups:write': 'Change departments, groups and their members',
  'mail:read': "Read users' mailboxes, messages and unread counts",
  'mail:write': 'Mark, move, delete and send mail',
  'directory:read': 'Read the global address book, the department tree and directory sync runs',
  'directory:write': 'Start LDAP / Active Directory syncs',
  'sso:issue': 'Issue one-click login links for users',
  'apps:write': 'Register, change and delete apps',
  'queue:read': 'Read the outbound queue and message traces',
  'queue:write': 'Retry and delete queued outbound messages',
  'events:read': 'Read the event log and follow it live (SSE); a plain user: their own events',
  'scim:write': 'Provision users and groups over SCIM 2.0 (`/scim/v2`); not a scope of `/api/v1` routes',
  'webhooks:read': 'Read webhook endpoints and their delivery attempts',
  'webhooks:write': 'Register, change, test and delete webhook endpoints; rotate their secrets',
  'widget:issue': 'Mint widget tokens (read-only, short-lived, bound to the app’s allowed origins) for users',
  'audit:read':
    'Read the audit log (who changed what through the API); domain-restricted: entries of its domain',
};

/**
 * The fixed parts of the OpenAPI document; paths and models come from the
 * route schemas. Models are named by their `$id` (the default would be
 * `def-N`, which changes whenever a model is added).
 */
export const swaggerOptions: SwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'jdmail REST API',
      version: API_VERSION,
      summary: 'Provision domains, users and groups; read and send mail.',
      description:
        'The integration API of jdmail. Authenticate with an API key (`Authorization: Bearer jdk_…`), ' +
        'an app access token from `POST /api/v1/oauth/token` (`Authorization: Bearer eyJ…`) ' +
        'or a user’s credentials (`Authorization: Basic`); the webmail uses its session cookie. ' +
        'Errors are RFC 9457 problem details with a stable `code` — except at the token endpoint, ' +
        'which answers in OAuth’s own format (RFC 6749 §5.2). ' +
        'Lists are cursor-paginated: pass `nextCursor` back as `cursor`. Every error code is explained at ' +
        '[/docs/errors](/docs/errors); the TypeScript SDK is `@jdmail/sdk`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This server' }],
    externalDocs: { description: 'Error codes', url: '/docs/errors' },
    tags: TAGS,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'jdk_…',
          description:
            'An API key (`jdmail apikey create`); its scopes and optional domain restriction apply',
        },
        appToken: {
          type: 'oauth2',
          description:
            'An app’s access token (a JWT, RFC 9068) from the client credentials grant; the token’s scopes ' +
            'and the app’s optional domain restriction apply, as for an API key',
          flows: {
            clientCredentials: {
              tokenUrl: '/api/v1/oauth/token',
              scopes: Object.fromEntries(SCOPES.map((s) => [s, SCOPE_DESCRIPTIONS[s]])),
            },
          },
        },
        oauthClient: {
          type: 'http',
          scheme: 'basic',
          description:
            'Client authentication at the token endpoint (`client_secret_basic`): the client id and secret, ' +
            'each form-urlencoded (RFC 6749 §2.3.1)',
        },
        basicAuth: {
          type: 'http',
          scheme: 'basic',
          description: 'A user’s address and password; rights follow the user’s role',
        },
        widgetToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT (typ jdmail-widget+jwt)',
          description:
            'A widget token (`POST /api/v1/users/{address}/widget-tokens`): read-only, for one user, valid only ' +
            'from its app’s allowed origins, and refused by every route that does not list it',
        },
        cookieAuth: {
          type: 'apiKey',
          in: 'cookie',
          name: 'jdmail_session',
          description:
            'The webmail’s session (from `/auth/login` or SSO); rights follow the user’s role. ' +
            'POST, PUT, PATCH and DELETE also need the session’s `csrfToken` in `X-CSRF-Token`.',
        },
      },
    },
  },
  refResolver: {
    buildLocalReference: (json, _baseUri, _fragment, i) =>
      typeof json.$id === 'string' ? json.$id : `def-${i}`,
  },
};
