import { type Static, Type } from 'typebox';
import { SCOPES } from '../../directory/index.js';
import type { App } from '../../oauth/index.js';
import { DomainName, iso, Nullable, PageOf, Timestamp } from './common.js';

const ClientId = Type.String({
  description: 'The public client identifier (`jdc_…`)',
  examples: ['jdc_018f2a3b4c5dAbCdEfGhIjKl'],
});
const AppName = Type.String({ minLength: 1, maxLength: 200, description: 'What the app is, for people' });
const AllowedOrigins = Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
  maxItems: 20,
  description:
    'Web origins (`https://portal.example.com`: scheme, host and port, no path, no `*`) its widget tokens ' +
    'work from: the CORS allow-list of `<jdmail-inbox>`. Replaced as a whole.',
});

export const AppModel = Type.Object(
  {
    clientId: ClientId,
    name: Type.String(),
    scopes: Type.Array(Type.Unsafe<string>({ type: 'string', enum: [...SCOPES] }), {
      description: 'The most its tokens may do; a token request may narrow them',
    }),
    domain: Nullable(Type.String({ description: 'The only domain its tokens may touch; null for all' })),
    enabled: Type.Boolean({ description: 'Disabled apps get no tokens, and their tokens are refused' }),
    createdAt: Timestamp('When the app was registered'),
    updatedAt: Timestamp('Last change'),
    secretRotatedAt: Timestamp('When the current secret was made; older tokens are refused'),
    lastUsedAt: Nullable(Timestamp('Last token request (to the minute); null if never')),
    allowedOrigins: AllowedOrigins,
  },
  {
    $id: 'App',
    title: 'App',
    description: 'An integration that gets access tokens with the OAuth 2.0 client credentials grant',
  },
);

export const CreateAppBody = Type.Object(
  {
    name: AppName,
    scopes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: 50,
      description: `Scopes (\`${SCOPES.join('`, `')}\`), \`resource:*\` or \`*\`. You can grant only scopes you hold.`,
    }),
    domain: Type.Optional(
      Nullable(DomainName('Restrict the app to this domain; a domain-restricted caller must give its own')),
    ),
    allowedOrigins: Type.Optional(AllowedOrigins),
  },
  { $id: 'CreateAppRequest', title: 'CreateAppRequest', additionalProperties: false },
);

export const UpdateAppBody = Type.Object(
  {
    name: Type.Optional(AppName),
    enabled: Type.Optional(
      Type.Boolean({ description: 'false refuses new tokens and those already issued' }),
    ),
    allowedOrigins: Type.Optional(AllowedOrigins),
  },
  {
    $id: 'UpdateAppRequest',
    title: 'UpdateAppRequest',
    additionalProperties: false,
    minProperties: 1,
    description: 'Only the given fields change',
  },
);

export const AppCredentialsModel = Type.Object(
  {
    app: Type.Unsafe<Static<typeof AppModel>>({ $ref: 'App' }),
    clientSecret: Type.String({
      description: 'The client secret (`jds_…`). Shown only now: store it; only its hash is kept.',
    }),
  },
  { $id: 'AppCredentials', title: 'AppCredentials', description: 'An app with its new client secret' },
);

export const AppPage = PageOf(AppModel, 'AppPage', 'A page of apps, oldest first');

export const toAppJson = (a: App): Static<typeof AppModel> => ({
  clientId: a.clientId,
  name: a.name,
  scopes: a.scopes,
  domain: a.domain,
  enabled: a.enabled,
  createdAt: iso(a.createdAt),
  updatedAt: iso(a.updatedAt),
  secretRotatedAt: iso(a.secretRotatedAt),
  lastUsedAt: a.lastUsedAt === null ? null : iso(a.lastUsedAt),
  allowedOrigins: a.allowedOrigins,
});
