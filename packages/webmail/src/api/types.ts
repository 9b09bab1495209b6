import type { components } from '@jdmail/sdk';

type Schemas = components['schemas'];
export type MessageSummary = Schemas['MessageSummary'];
export type MessageDetail = Schemas['MessageDetail'];
export type MessagePage = Schemas['MessagePage'];
export type Attachment = Schemas['Attachment'];
export type Address = Schemas['Address'];
export type UnreadCount = Schemas['UnreadCount'];
export type Mailbox = Schemas['Mailbox'];
export type UserSettings = Schemas['UserSettings'];
export type UpdateUserSettings = Schemas['UpdateUserSettings'];
/** A signed-in session as `GET /users/{address}/sessions` lists it (not the web session below). */
export type SessionInfo = Schemas['Session'];

/** The signed-in user, as `/auth/session` and `/auth/login` describe them. */
export interface SessionUser {
  address: string;
  displayName: string;
}

/** A web session. The cookie itself is HttpOnly: the app only ever sees this. */
export interface Session {
  user: SessionUser;
  /** Sent back as `X-CSRF-Token` on every state-changing request. */
  csrfToken: string;
  expiresAt: string;
}

/** A sign-in button on the login page. */
export interface Provider {
  id: string;
  name: string;
  kind: 'oidc' | 'cas';
  startUrl: string;
}

export interface AuthConfig {
  passwordLogin: boolean;
  providers: Provider[];
}
