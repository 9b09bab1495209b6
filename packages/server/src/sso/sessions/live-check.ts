import type { Kysely } from 'kysely';
import { isStorageFull } from '../../shared/index.js';
import type { DB } from '../../store/index.js';
import type { RevokeReason } from '../types.js';
import type { SessionFallback } from './fallback.js';

export interface LiveCheckDeps {
  db: Kysely<DB>;
  fallback: SessionFallback;
  now: () => number;
  /** `sessions.idleSeconds` in ms: how far a check pushes a live session's idle expiry. */
  idleMs: number;
  /** A session seen in use within this long is not written again. */
  touchMs: number;
  /** Ends one session and tells the revocation listeners why. */
  end(id: string, reason: RevokeReason): Promise<unknown>;
}

/** Ids per query: well under every engine's limit on bound parameters. */
const CHUNK = 500;

interface StateRow {
  id: string;
  last_seen_at: number;
  credentials_stamp: number;
  user_enabled: number;
  user_stamp: number;
}

/**
 * The check behind {@link SessionRegistry.checkLive}: for sessions held by
 * open connections (IMAP, POP3), which are still live. One query per 500
 * sessions, however many connections: a session whose user was disabled or
 * changed password is ended (its listeners told why); one whose row is gone
 * (ended on another node, by the CLI, or swept) is simply not live. An open
 * connection is use: live sessions get their idle expiry pushed on (once
 * per `touchMs`) and outlive their absolute expiry while it stays open.
 */
export function createLiveCheck(deps: LiveCheckDeps) {
  const { db, fallback } = deps;

  async function states(ids: string[]): Promise<StateRow[]> {
    const rows = await db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'sessions.id',
        'sessions.last_seen_at',
        'sessions.credentials_stamp',
        'users.enabled as user_enabled',
        'users.password_changed_at as user_stamp',
      ])
      .where('sessions.id', 'in', ids)
      .execute();
    const found = new Set(rows.map((r) => r.id));
    const kept = ids.filter((id) => !found.has(id)).flatMap((id) => fallback.byId(id) ?? []);
    if (kept.length === 0) return rows;
    const users = await db
      .selectFrom('users')
      .select(['id', 'enabled', 'password_changed_at'])
      .where('id', 'in', [...new Set(kept.map((k) => k.user_id))])
      .execute();
    const byId = new Map(users.map((u) => [u.id, u]));
    return [
      ...rows,
      ...kept.map((k) => ({
        id: k.id,
        last_seen_at: k.last_seen_at,
        credentials_stamp: k.credentials_stamp,
        user_enabled: byId.get(k.user_id)?.enabled ?? 0,
        user_stamp: byId.get(k.user_id)?.password_changed_at ?? -1,
      })),
    ];
  }

  /** Pushes on the idle expiry (and, past it, the absolute one) of sessions in use; a full disk only skips it. */
  async function touch(ids: string[], t: number): Promise<void> {
    if (ids.length === 0) return;
    const idle = t + deps.idleMs;
    try {
      await db
        .updateTable('sessions')
        .set({ last_seen_at: t, idle_expires_at: idle })
        .where('id', 'in', ids)
        .execute();
      await db
        .updateTable('sessions')
        .set({ expires_at: idle })
        .where('id', 'in', ids)
        .where('expires_at', '<', idle)
        .execute();
    } catch (err) {
      if (!isStorageFull(err)) throw err;
    }
  }

  return async function checkLive(ids: readonly string[]): Promise<Set<string>> {
    const live = new Set<string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const t = deps.now();
      const stale: string[] = [];
      for (const row of await states(ids.slice(i, i + CHUNK))) {
        if (fallback.isEnded(row.id)) continue;
        if (!row.user_enabled) await deps.end(row.id, 'user_disabled');
        else if (Number(row.user_stamp) !== Number(row.credentials_stamp))
          await deps.end(row.id, 'credentials_changed');
        else {
          live.add(row.id);
          if (t - Number(row.last_seen_at) >= deps.touchMs) stale.push(row.id);
        }
      }
      await touch(stale, t);
    }
    return live;
  };
}
