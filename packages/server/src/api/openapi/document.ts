import type { SwaggerOptions } from '@fastify/swagger';

/** Version of the API contract; bump with every change to /api/v1 a client can see. */
export const API_VERSION = '1.0.0';

const TAGS = [
  { name: 'domains', description: 'Mail domains served by this install' },
  { name: 'users', description: 'Mail users: provisioning, roles, enabling and disabling' },
  { name: 'groups', description: 'Departments and groups: one tree per domain, with members' },
  { name: 'mail', description: "Users' mailboxes and messages: lists, unread counts, flags, sending" },
  {
    name: 'directory',
    description: 'LDAP / Active Directory sync jobs, the global address book and the department tree',
  },
  { name: 'health', description: 'Liveness and readiness probes' },
];

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
        'The integration API of jdmail. Authenticate with an API key (`Authorization: Bearer jdk_…`) ' +
        'or a user’s credentials (`Authorization: Basic`). Errors are RFC 9457 problem details with a ' +
        'stable `code`. Lists are cursor-paginated: pass `nextCursor` back as `cursor`.',
      license: { name: 'MIT', identifier: 'MIT' },
      contact: { name: 'jdmail', url: 'https://jdmail.dev' },
    },
    servers: [{ url: '/', description: 'This server' }],
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
        basicAuth: {
          type: 'http',
          scheme: 'basic',
          description: 'A user’s address and password; rights follow the user’s role',
        },
      },
    },
  },
  refResolver: {
    buildLocalReference: (json, _baseUri, _fragment, i) =>
      typeof json.$id === 'string' ? json.$id : `def-${i}`,
  },
};
