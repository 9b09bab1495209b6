// The entry point of the generated API reference (`typedoc`, docs/reference):
// everything index.ts exports but the raw OpenAPI types (`components`,
// `operations`, `paths`). Not part of the package's build.

/**
 * Every class, method and type of `@jdmail/sdk`, generated from its source
 * (`pnpm generate`). Start with {@link JdMail}, the client; its properties
 * (`jd.users`, `jd.mail` …) are the classes below. The fields of the API's
 * models are documented field by field in the server's OpenAPI document
 * (`/docs` on a running server, or `openapi/jdmail-v1.json`). The guide is
 * the package's README.
 *
 * @packageDocumentation
 */
export * from './client.js';
export * from './errors.js';
export type * from './http.js';
export * from './paginator.js';
export type * from './resources/api-keys.js';
export type * from './resources/apps.js';
export type * from './resources/directory.js';
export type * from './resources/domains.js';
export type * from './resources/groups.js';
export type * from './resources/mail.js';
export type * from './resources/quarantine.js';
export type * from './resources/queue.js';
export type * from './resources/settings.js';
export type * from './resources/sso.js';
export type * from './resources/users.js';
export type * from './resources/widget-tokens.js';
export type * from './types.js';
