import { type Static, Type } from 'typebox';
import {
  type ApiKey,
  ROTATE_GRACE_DEFAULT_SECONDS,
  ROTATE_GRACE_MAX_SECONDS,
  SCOPES,
} from '../../directory/index.js';
import { DomainName, iso, Nullable, PageOf, Timestamp } from './common.js';

const KeyName = Type.String({ minLength: 1, maxLength: 200, description: 'What the key is for, for people' });

export const ApiKeyModel = Type.Object(
  {
    id: Type.String({ description: 'The key’s id (not the key itself, which is shown only when made)' }),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the key (`jdk_…`), to tell keys apart' }),
    scopes: Type.Array(Type.Unsafe<string>({ type: 'string', enum: [...SCOPES] })),
    domain: Nullable(Type.String({ description: 'The only domain the key may touch; null for all' })),
    createdAt: Timestamp('When the key was made'),
    lastUsedAt: Nullable(Timestamp('Last use, to the minute; null if never')),
    expiresAt: Nullable(
      Timestamp('When a rotated key stops working; null for a key that works until it is revoked'),
    ),
  },
  { $id: 'ApiKey', title: 'ApiKey', description: 'An API key, without its secret' },
);

export const CreateApiKeyBody = Type.Object(
  {
    name: KeyName,
    scopes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: 50,
      description: `Scopes (\`${SCOPES.join('`, `')}\`), \`resource:*\` or \`*\`. You can grant only scopes you hold.`,
    }),
    domain: Type.Optional(
      Nullable(DomainName('Restrict the key to this domain; a domain-restricted caller must give its own')),
    ),
  },
  { $id: 'CreateApiKeyRequest', title: 'CreateApiKeyRequest', additionalProperties: false },
);

export const RotateApiKeyBody = Type.Object(
  {
    graceSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: ROTATE_GRACE_MAX_SECONDS,
        default: ROTATE_GRACE_DEFAULT_SECONDS,
        description:
          'How long the old key works on, so every client can be given the new one (default a day; 0: it stops now)',
      }),
    ),
  },
  { $id: 'RotateApiKeyRequest', title: 'RotateApiKeyRequest', additionalProperties: false },
);

export const ApiKeyCredentialsModel = Type.Object(
  {
    apiKey: Type.Unsafe<Static<typeof ApiKeyModel>>({ $ref: 'ApiKey' }),
    key: Type.String({
      description:
        'The key (`jdk_…`), sent as `Authorization: Bearer`. Shown only now: only its hash is kept.',
    }),
  },
  { $id: 'ApiKeyCredentials', title: 'ApiKeyCredentials', description: 'A new API key with its secret' },
);

export const ApiKeyPage = PageOf(ApiKeyModel, 'ApiKeyPage', 'A page of API keys, oldest first');

export const toApiKeyJson = (k: ApiKey): Static<typeof ApiKeyModel> => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  domain: k.domain,
  createdAt: iso(k.createdAt),
  lastUsedAt: k.lastUsedAt === null ? null : iso(k.lastUsedAt),
  expiresAt: k.expiresAt === null ? null : iso(k.expiresAt),
});
