import { type Static, Type } from 'typebox';
import type { User } from '../../directory/index.js';
import type { Session } from '../../sso/index.js';
import { AddressString, iso, Nullable, Timestamp } from './common.js';

/** The signed-in user as the webmail shows them. */
const WebUser = Type.Object({
  address: Type.String({ examples: ['alice@example.com'] }),
  displayName: Type.String(),
});

export const LoginBody = Type.Object(
  {
    address: AddressString('The user’s address (or an alias)'),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { $id: 'WebLoginRequest', title: 'WebLoginRequest', additionalProperties: false },
);

export const WebSessionModel = Type.Object(
  {
    user: WebUser,
    csrfToken: Type.String({
      description: 'Send as `X-CSRF-Token` with every state-changing call made with the session cookie',
    }),
    expiresAt: Timestamp('The session ends at this time at the latest (sooner when left idle)'),
  },
  { $id: 'WebSession', title: 'WebSession', description: 'The signed-in web session' },
);

export const AuthConfigModel = Type.Object(
  {
    passwordLogin: Type.Boolean({ description: 'Whether the login page offers address + password' }),
    providers: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String({ description: 'Button text' }),
        kind: Type.Unsafe<'oidc' | 'cas'>({ type: 'string', enum: ['oidc', 'cas'] }),
        startUrl: Type.String({ description: 'Open this (a top-level navigation) to sign in' }),
      }),
    ),
  },
  { $id: 'AuthConfig', title: 'AuthConfig', description: 'The sign-in methods of the login page' },
);

export const LogoutResult = Type.Object(
  {
    redirect: Nullable(
      Type.String({ description: 'Send the browser here to end the identity provider’s session too' }),
    ),
  },
  { $id: 'WebLogoutResult', title: 'WebLogoutResult' },
);

export const SessionModel = Type.Object(
  {
    id: Type.String(),
    channel: Type.Unsafe<'web' | 'imap' | 'pop3'>({ type: 'string', enum: ['web', 'imap', 'pop3'] }),
    method: Type.Unsafe<'password' | 'link' | 'oidc' | 'cas'>({
      type: 'string',
      enum: ['password', 'link', 'oidc', 'cas'],
      description: 'How the user signed in',
    }),
    provider: Nullable(Type.String({ description: 'The SSO provider id, for oidc and cas' })),
    createdAt: Timestamp('Sign-in time'),
    lastSeenAt: Timestamp('Last use (updated at most once a minute)'),
    idleExpiresAt: Timestamp('Ends here unless used before'),
    expiresAt: Timestamp('Ends here at the latest'),
    ip: Type.String({ description: 'Client address at sign-in' }),
    userAgent: Type.String(),
    current: Type.Boolean({ description: 'The session making this request' }),
  },
  { $id: 'Session', title: 'Session', description: 'A signed-in session of a user' },
);

export const SessionList = Type.Object(
  { items: Type.Array(Type.Unsafe<Static<typeof SessionModel>>({ $ref: 'Session' })) },
  { $id: 'SessionList', title: 'SessionList', description: 'A user’s live sessions, newest first' },
);

export const toWebSessionJson = (user: User, session: Session): Static<typeof WebSessionModel> => ({
  user: { address: user.address, displayName: user.displayName },
  csrfToken: session.csrfToken,
  expiresAt: iso(session.expiresAt),
});

export const toSessionJson = (s: Session, currentId: string | undefined): Static<typeof SessionModel> => ({
  id: s.id,
  channel: s.channel,
  method: s.method,
  provider: s.providerId,
  createdAt: iso(s.createdAt),
  lastSeenAt: iso(s.lastSeenAt),
  idleExpiresAt: iso(s.idleExpiresAt),
  expiresAt: iso(s.expiresAt),
  ip: s.ip,
  userAgent: s.userAgent,
  current: s.id === currentId,
});
