import type { Kysely, Selectable } from 'kysely';
import { AppError, isStorageFull, newId } from '../../shared/index.js';
import type { DB, SessionChannel, SessionsTable } from '../../store/index.js';
import type { Logger } from '../../telemetry/index.js';
import { hashToken, looksLikeToken, randomToken } from '../tokens.js';
import type { AuthMethod, ClientInfo, ExternalRef, RevokeReason, Session } from '../types.js';
import { createSessionFallback, type SessionRow } from './fallback.js';
import { createLiveCheck } from './live-check.js';
import { condition, matches, type Which } from './which.js';

export interface SessionRegistryOptions {
  db: Kysely<DB>;
  log: Logger;
  /** A session ends after this long without use. */
  idleSeconds: number;
  /** A session ends this long after sign-in, used or not. */
  maxSeconds: number;
  now?: () => number;
}

/** What a new session records. */
export interface NewSession {
  userId: string;
  method: AuthMethod;
  /** Default `web`. */
  channel?: SessionChannel;
  providerId?: string | null;
  external?: ExternalRef;
  /** OIDC ID token, kept for `id_token_hint` at logout. */
  idToken?: string | null;
  client: ClientInfo;
  /**
   * The token the client still holds from an earlier session (the cookie it
   * sent with this sign-in). That session is revoked: every sign-in gets a
   * new id, so a token planted before sign-in (session fixation) is worthless.
   */
  replaces?: string | null;
}

/** Told about every session that ends early (not about ones found expired). */
export type RevocationListener = (event: {
  sessions: { id: string; userId: string; channel: SessionChannel }[];
  reason: RevokeReason;
}) => void;

/**
 * The session registry: every signed-in session of every protocol, in the
 * metadata database so all nodes see the same state. Web sessions use it
 * now; CAS single logout and OIDC back-channel logout end sessions through
 * {@link SessionRegistry.revokeByExternal}; IMAP and POP3 register their
 * signed-in connections on their own channel through the connection
 * watcher (connection-sessions.ts), which drops them when they end.
 */
export interface SessionRegistry {
  /** Starts a session; returns the secret token (shown once, stored hashed). Throws USER_DISABLED. */
  create(input: NewSession): Promise<{ token: string; session: Session }>;
  /**
   * The live session a token names on `channel` (default `web`), or null.
   * A session past its idle or absolute expiry, of a disabled user, or of a
   * user whose password changed since sign-in is ended here. Use refreshes
   * the idle expiry, written at most once a minute per session.
   */
  validate(token: string, channel?: SessionChannel): Promise<Session | null>;
  /** By public id; null when unknown or ended. */
  get(id: string): Promise<Session | null>;
  /** A user's live sessions, newest first. */
  listForUser(userId: string): Promise<Session[]>;
  /** Ends one session by public id; false when there was none. */
  revoke(id: string, reason: RevokeReason): Promise<boolean>;
  /** Ends the session a token names; returns it, or null. */
  revokeToken(token: string, reason: RevokeReason): Promise<Session | null>;
  /**
   * Carries a session over its own user's password change: takes the user's
   * current password stamp, so that it alone of their sessions goes on.
   */
  restamp(id: string): Promise<void>;
  /** Ends every session of a user; returns how many. */
  revokeForUser(userId: string, reason: RevokeReason): Promise<number>;
  /**
   * Ends the sessions a provider's logout names: by `sid` (that IdP
   * session), else `ticket` (CAS), else `sub` (every session of that user at
   * the provider). With `sid` and `sub`, both must match.
   */
  revokeByExternal(providerId: string, ref: ExternalRef, reason: RevokeReason): Promise<number>;
  /** Subscribes to early ends; returns the unsubscribe function. */
  onRevoked(listener: RevocationListener): () => void;
  /**
   * Of these sessions, held by open connections (IMAP, POP3), the ones still
   * live; those of a disabled user or a changed password are ended here
   * (listeners told). Open connections count as use. See live-check.ts.
   */
  checkLive(ids: readonly string[]): Promise<Set<string>>;
  /** Deletes expired sessions; returns how many. Run periodically. */
  sweep(): Promise<number>;
}

type Row = SessionRow;

const toSession = (r: Row): Session => ({
  id: r.id,
  userId: r.user_id,
  userAddress: r.user_address,
  channel: r.channel,
  method: r.method,
  providerId: r.provider_id,
  external: { sid: r.external_sid, sub: r.external_sub, ticket: r.external_ticket },
  idToken: r.id_token,
  csrfToken: r.csrf_token,
  createdAt: Number(r.created_at),
  lastSeenAt: Number(r.last_seen_at),
  idleExpiresAt: Number(r.idle_expires_at),
  expiresAt: Number(r.expires_at),
  ip: r.ip,
  userAgent: r.user_agent,
});

/** The row as the table holds it, without what reads join to it (the user's address and state). */
const withoutAddress = (r: Row): Selectable<SessionsTable> => ({
  id: r.id,
  token_hash: r.token_hash,
  user_id: r.user_id,
  channel: r.channel,
  method: r.method,
  provider_id: r.provider_id,
  external_sid: r.external_sid,
  external_sub: r.external_sub,
  external_ticket: r.external_ticket,
  id_token: r.id_token,
  csrf_token: r.csrf_token,
  credentials_stamp: r.credentials_stamp,
  created_at: r.created_at,
  last_seen_at: r.last_seen_at,
  idle_expires_at: r.idle_expires_at,
  expires_at: r.expires_at,
  ip: r.ip,
  user_agent: r.user_agent,
});

/** Longest kept user agent: enough to tell browsers apart in a list. */
const MAX_USER_AGENT = 256;

export function createSessionRegistry(options: SessionRegistryOptions): SessionRegistry {
  const { db, log } = options;
  const now = options.now ?? Date.now;
  const idleMs = options.idleSeconds * 1000;
  const maxMs = options.maxSeconds * 1000;
  // Refreshing the idle expiry on every request would be a write per request;
  // once a minute (or a tenth of the idle time, if shorter) loses at most that much idle time.
  const touchMs = Math.min(60_000, Math.floor(idleMs / 10));
  const listeners = new Set<RevocationListener>();
  const fallback = createSessionFallback();

  const withUser = () =>
    db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('sessions')
      .select('users.address as user_address');

  function notify(rows: { id: string; user_id: string; channel: SessionChannel }[], reason: RevokeReason) {
    if (rows.length === 0) return;
    log.info({ sessions: rows.map((r) => r.id), reason }, 'sessions ended');
    const event = {
      sessions: rows.map((r) => ({ id: r.id, userId: r.user_id, channel: r.channel })),
      reason,
    };
    for (const l of listeners) {
      try {
        l(event);
      } catch (err) {
        log.error({ err }, 'session revocation listener failed');
      }
    }
  }

  /**
   * Ends the chosen sessions, kept in memory or in the database (one
   * statement), and tells the listeners which ended. On a full disk the
   * rows cannot be deleted: they are refused on this node until they expire.
   */
  async function remove(which: Which, reason: RevokeReason): Promise<number> {
    const ended: { id: string; user_id: string; channel: SessionChannel }[] = fallback.take((r) =>
      matches(r, which),
    );
    try {
      ended.push(
        ...(await db
          .deleteFrom('sessions')
          .where(condition(which))
          .returning(['id', 'user_id', 'channel'])
          .execute()),
      );
    } catch (err) {
      if (!isStorageFull(err)) throw err;
      const rows = await db
        .selectFrom('sessions')
        .select(['id', 'user_id', 'channel', 'expires_at'])
        .where(condition(which))
        .execute();
      fallback.markEnded(
        rows.map((r) => r.id),
        Math.max(0, ...rows.map((r) => Number(r.expires_at))),
      );
      log.warn(
        { sessions: rows.map((r) => r.id), reason },
        'sessions ended on this node only: the disk is full',
      );
      ended.push(...rows);
    }
    notify(ended, reason);
    return ended.length;
  }

  /** A new session's row; kept in memory when the disk is full (see fallback.ts). */
  async function insert(row: Row): Promise<Row> {
    try {
      await db.insertInto('sessions').values(withoutAddress(row)).execute();
      return row;
    } catch (err) {
      const kept = isStorageFull(err) ? fallback.keep(row) : null;
      if (!kept) throw err;
      log.warn(
        { session: row.id, user: row.user_address, expiresAt: kept.expires_at },
        'session kept in memory on this node: the disk is full',
      );
      return kept;
    }
  }

  /**
   * Writes the new idle expiry of a session in use: a session kept in memory
   * goes to the database now if it can; a failure on a full disk only costs
   * the extension (the session stays valid until its old idle expiry).
   */
  async function touch(row: Row, inMemory: boolean, t: number): Promise<void> {
    try {
      if (inMemory) {
        await db.insertInto('sessions').values(withoutAddress(row)).execute();
        fallback.take((r) => r.id === row.id);
        log.info({ session: row.id }, 'session kept in memory is now in the database');
      } else {
        await db
          .updateTable('sessions')
          .set({ last_seen_at: t, idle_expires_at: row.idle_expires_at })
          .where('id', '=', row.id)
          .execute();
      }
    } catch (err) {
      if (!isStorageFull(err)) throw err;
    }
  }

  /** The live (or lapsed) row a token names: in the database, else kept in memory; with its user's state. */
  async function find(hash: string, channel: SessionChannel) {
    const row = await withUser()
      .select(['users.enabled as user_enabled', 'users.password_changed_at as user_stamp'])
      .where('sessions.token_hash', '=', hash)
      .where('sessions.channel', '=', channel)
      .executeTakeFirst();
    if (row) return fallback.isEnded(row.id) ? undefined : { row, inMemory: false };
    const kept = fallback.byTokenHash(hash);
    if (kept?.channel !== channel) return undefined;
    const user = await db
      .selectFrom('users')
      .select(['enabled as user_enabled', 'password_changed_at as user_stamp'])
      .where('id', '=', kept.user_id)
      .executeTakeFirst();
    return {
      row: { ...kept, user_enabled: user?.user_enabled ?? 0, user_stamp: user?.user_stamp ?? -1 },
      inMemory: true,
    };
  }

  const live = (rows: Row[]) =>
    rows.filter((r) => !fallback.isEnded(r.id) && Number(r.idle_expires_at) > now());

  return {
    async create(input) {
      const user = await db
        .selectFrom('users')
        .select(['address', 'enabled', 'password_changed_at'])
        .where('id', '=', input.userId)
        .executeTakeFirst();
      if (!user) throw new AppError('USER_NOT_FOUND');
      if (!user.enabled) throw new AppError('USER_DISABLED');
      if (looksLikeToken(input.replaces ?? undefined)) {
        await remove({ tokenHash: hashToken(input.replaces as string) }, 'replaced');
      }
      const token = randomToken();
      const t = now();
      const row = await insert({
        id: newId(t),
        token_hash: hashToken(token),
        user_id: input.userId,
        user_address: user.address,
        channel: input.channel ?? 'web',
        method: input.method,
        provider_id: input.providerId ?? null,
        external_sid: input.external?.sid ?? null,
        external_sub: input.external?.sub ?? null,
        external_ticket: input.external?.ticket ?? null,
        id_token: input.idToken ?? null,
        csrf_token: randomToken(),
        credentials_stamp: Number(user.password_changed_at),
        created_at: t,
        last_seen_at: t,
        idle_expires_at: Math.min(t + idleMs, t + maxMs),
        expires_at: t + maxMs,
        ip: input.client.ip,
        user_agent: input.client.userAgent.slice(0, MAX_USER_AGENT),
      });
      return { token, session: toSession(row) };
    },

    async validate(token, channel = 'web') {
      if (!looksLikeToken(token)) return null;
      const found = await find(hashToken(token), channel);
      if (!found) return null;
      const { row, inMemory } = found;
      const t = now();
      let ended: RevokeReason | null = null;
      if (t >= Number(row.idle_expires_at)) ended = 'expired';
      else if (!row.user_enabled) ended = 'user_disabled';
      else if (Number(row.user_stamp) !== Number(row.credentials_stamp)) ended = 'credentials_changed';
      if (ended) {
        await remove({ id: row.id }, ended);
        return null;
      }
      const session = toSession(row);
      if (t - session.lastSeenAt >= touchMs) {
        session.lastSeenAt = t;
        session.idleExpiresAt = Math.min(t + idleMs, session.expiresAt);
        if (inMemory) Object.assign(row, { last_seen_at: t, idle_expires_at: session.idleExpiresAt });
        await touch({ ...row, last_seen_at: t, idle_expires_at: session.idleExpiresAt }, inMemory, t);
      }
      return session;
    },

    async get(id) {
      const row = await withUser()
        .where('sessions.id', '=', id)
        .where('sessions.idle_expires_at', '>', now())
        .executeTakeFirst();
      const [found] = live(row ? [row] : [fallback.byId(id)].filter((r) => r !== undefined));
      return found ? toSession(found) : null;
    },

    async listForUser(userId) {
      const rows = await withUser()
        .where('sessions.user_id', '=', userId)
        .where('sessions.idle_expires_at', '>', now())
        .orderBy('sessions.id', 'desc')
        .execute();
      const all = [...rows, ...fallback.forUser(userId)].sort((a, b) => (a.id < b.id ? 1 : -1));
      return live(all).map(toSession);
    },

    async revoke(id, reason) {
      return (await remove({ id }, reason)) > 0;
    },

    async revokeToken(token, reason) {
      if (!looksLikeToken(token)) return null;
      const hash = hashToken(token);
      const row =
        (await withUser().where('sessions.token_hash', '=', hash).executeTakeFirst()) ??
        fallback.byTokenHash(hash);
      if (!row) return null;
      await remove({ id: row.id }, reason);
      return toSession(row);
    },

    async restamp(id) {
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['users.password_changed_at as stamp'])
        .where('sessions.id', '=', id)
        .executeTakeFirst();
      if (row) {
        await db
          .updateTable('sessions')
          .set({ credentials_stamp: Number(row.stamp) })
          .where('id', '=', id)
          .execute();
        return;
      }
      // A session kept in memory (storage was full at sign-in): its row there is the session.
      const kept = fallback.byId(id);
      if (!kept) return;
      const user = await db
        .selectFrom('users')
        .select('password_changed_at')
        .where('id', '=', kept.user_id)
        .executeTakeFirst();
      if (user) kept.credentials_stamp = Number(user.password_changed_at);
    },

    revokeForUser(userId, reason) {
      return remove({ userId }, reason);
    },

    async revokeByExternal(providerId, ref, reason) {
      const { sid, sub, ticket } = ref;
      if (!sid && !sub && !ticket) return 0;
      return remove({ providerId, sid: sid ?? null, sub: sub ?? null, ticket: ticket ?? null }, reason);
    },

    onRevoked(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    checkLive: createLiveCheck({
      db,
      fallback,
      now,
      idleMs,
      touchMs,
      end: (id, reason) => remove({ id }, reason),
    }),

    async sweep() {
      fallback.sweep(now());
      const { numDeletedRows } = await db
        .deleteFrom('sessions')
        .where('idle_expires_at', '<=', now())
        .executeTakeFirst();
      return Number(numDeletedRows);
    },
  };
}
