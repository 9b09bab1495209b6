import type { Kysely } from 'kysely';
import type { User } from '../../directory/index.js';
import { AppError, newId } from '../../shared/index.js';
import type { DB } from '../../store/index.js';
import type { Audit } from '../audit.js';
import type { SessionRegistry } from '../sessions/registry.js';
import { hashToken, looksLikeToken, randomToken } from '../tokens.js';
import type { ClientInfo, Session } from '../types.js';
import { checkRedirect } from './redirect.js';

/** A link lives this long unless asked otherwise … */
export const LINK_DEFAULT_TTL_SECONDS = 60;
/** … and never longer: it is a bearer credential in a URL. */
export const LINK_MAX_TTL_SECONDS = 300;

export interface LoginLinksDeps {
  db: Kysely<DB>;
  sessions: SessionRegistry;
  audit: Audit;
  now?: () => number;
}

export interface IssueLinkInput {
  /** The user the link signs in; the caller has checked it may act on them. */
  user: User;
  redirect?: string;
  ttlSeconds?: number;
  /** Who asks (`api_key:<id>`, `user:<address>`), for the audit. */
  issuer: string;
  ip: string;
}

/** Why a link did not sign anyone in (kept in the audit; the browser only sees `link_invalid`). */
export type LinkRefusal = 'unknown' | 'used' | 'expired' | 'user_disabled' | 'credentials_changed';

export type ConsumeResult =
  | { ok: true; token: string; session: Session; redirect: string }
  | { ok: false; reason: LinkRefusal };

export interface LoginLinks {
  /**
   * Makes a single-use link token for `user`. Throws VALIDATION_FAILED for a
   * `redirect` outside this webmail or a lifetime outside 1…300 s, and
   * USER_DISABLED for a disabled user. Only the token's hash is stored.
   */
  issue(input: IssueLinkInput): Promise<{ token: string; expiresAt: number; redirect: string }>;
  /**
   * Uses a link: at most once, however many requests (or nodes) race for it.
   * A link of a user who was disabled or changed their password since it was
   * issued signs nobody in.
   */
  consume(token: string, client: ClientInfo, replaces?: string | null): Promise<ConsumeResult>;
  /** Deletes links that can no longer be used. */
  sweep(): Promise<void>;
}

export function createLoginLinks(deps: LoginLinksDeps): LoginLinks {
  const { db, sessions, audit } = deps;
  const now = deps.now ?? Date.now;

  /** Why an existing-looking link could not be claimed, and whose it was (for the audit). */
  async function whyNot(hash: string, t: number) {
    const row = await db
      .selectFrom('login_links')
      .innerJoin('users', 'users.id', 'login_links.user_id')
      .select(['login_links.used_at', 'login_links.expires_at', 'login_links.issued_by', 'users.address'])
      .where('login_links.token_hash', '=', hash)
      .executeTakeFirst();
    if (!row) return { reason: 'unknown' as const, subject: '', issuer: 'anonymous' };
    const reason: LinkRefusal = row.used_at === null && Number(row.expires_at) <= t ? 'expired' : 'used';
    return { reason, subject: row.address, issuer: row.issued_by };
  }

  return {
    async issue({ user, redirect, ttlSeconds = LINK_DEFAULT_TTL_SECONDS, issuer, ip }) {
      if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > LINK_MAX_TTL_SECONDS) {
        throw new AppError('VALIDATION_FAILED', `ttlSeconds: must be 1 to ${LINK_MAX_TTL_SECONDS}`, {
          field: 'ttlSeconds',
        });
      }
      const target = checkRedirect(redirect);
      if (!target.ok) {
        throw new AppError('VALIDATION_FAILED', `redirect: ${target.reason}`, { field: 'redirect' });
      }
      const row = await db
        .selectFrom('users')
        .select(['enabled', 'password_changed_at'])
        .where('id', '=', user.id)
        .executeTakeFirst();
      if (!row) throw new AppError('USER_NOT_FOUND');
      if (!row.enabled) throw new AppError('USER_DISABLED', `${user.address} is disabled and cannot sign in`);
      const token = randomToken();
      const t = now();
      const expiresAt = t + ttlSeconds * 1000;
      await db
        .insertInto('login_links')
        .values({
          id: newId(t),
          token_hash: hashToken(token),
          user_id: user.id,
          credentials_stamp: Number(row.password_changed_at),
          redirect: target.path,
          issued_by: issuer,
          created_at: t,
          expires_at: expiresAt,
          used_at: null,
        })
        .execute();
      await audit.record({
        event: 'login_link.issue',
        actor: issuer,
        subject: user.address,
        ip,
        result: 'ok',
        detail: `ttl=${ttlSeconds}s redirect=${target.path}`,
      });
      return { token, expiresAt, redirect: target.path };
    },

    async consume(token, client, replaces) {
      const t = now();
      const refuse = async (reason: LinkRefusal, subject = '', issuer = 'anonymous') => {
        await audit.record({
          event: 'login_link.use',
          actor: issuer,
          subject,
          ip: client.ip,
          result: reason,
        });
        return { ok: false as const, reason };
      };
      if (!looksLikeToken(token)) return refuse('unknown');
      const hash = hashToken(token);
      // One conditional UPDATE claims the link: on PostgreSQL the row lock
      // makes a concurrent second UPDATE re-check `used_at` and match nothing;
      // SQLite runs writers one at a time. Either way exactly one caller wins.
      const claimed = await db
        .updateTable('login_links')
        .set({ used_at: t })
        .where('token_hash', '=', hash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', t)
        .returning(['user_id', 'credentials_stamp', 'redirect', 'issued_by'])
        .executeTakeFirst();
      if (!claimed) {
        const why = await whyNot(hash, t);
        return refuse(why.reason, why.subject, why.issuer);
      }
      const user = await db
        .selectFrom('users')
        .select(['address', 'enabled', 'password_changed_at'])
        .where('id', '=', claimed.user_id)
        .executeTakeFirst();
      if (!user) return refuse('unknown', '', claimed.issued_by);
      if (!user.enabled) return refuse('user_disabled', user.address, claimed.issued_by);
      if (Number(user.password_changed_at) !== Number(claimed.credentials_stamp)) {
        return refuse('credentials_changed', user.address, claimed.issued_by);
      }
      const created = await sessions.create({ userId: claimed.user_id, method: 'link', client, replaces });
      await audit.record({
        event: 'login_link.use',
        actor: claimed.issued_by,
        subject: user.address,
        ip: client.ip,
        result: 'ok',
        detail: `session=${created.session.id}`,
      });
      return { ok: true, ...created, redirect: claimed.redirect };
    },

    async sweep() {
      await db.deleteFrom('login_links').where('expires_at', '<=', now()).execute();
    },
  };
}
