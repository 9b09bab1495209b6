import type { Req, Res } from '../http.js';
import { type Answer, type Dom, manages, type Need, type Scope, unrestricted } from '../model.js';
import type { Principal, World } from '../world.js';

/** A request ready to send, with what to look at afterwards. */
export interface Prepared extends Req {
  /** Instead of the principal's headers (a fresh session, or none). */
  headers?: Record<string, string>;
  /** After an error answer (refused, or allowed but failing, as 409 ADDRESS_TAKEN): throws unless nothing changed. */
  unchanged?: () => Promise<void>;
  /** After an allowed request: throws unless the body or the state is right (lists show only what the caller may see). */
  done?: (res: Res) => Promise<void> | void;
}

/** One object of an operation: a request naming it, and what the route checks, in its order. */
export interface Case {
  /** What is named: `a`, `b`, `self`, `a, alias in b` … */
  label: string;
  needs: Need[];
  /** Names the caller's own address: only for principals that have one (users). */
  self?: boolean;
  /** Sent once with its own headers, not once per principal (the answer does not depend on one). */
  once?: boolean;
  /** The answer of a caller who may, when not the rule's. */
  ok?: Answer;
  request(w: World, who: Principal): Prepared | Promise<Prepared>;
}

/** The rule of one operationId. */
export interface Rule {
  /** The scope the OpenAPI document names; null for routes that take no API credentials. */
  scope: Scope | null;
  /** What a caller who may gets. */
  ok: Answer;
  /** Routes that also take a widget token (the event stream): what it gets; others refuse it (no scope). */
  widget?: Answer;
  cases: Case[];
  /**
   * Routes without API credentials: the answer for `who`, when it depends on
   * them (a session cookie, a widget token); `ok` is the case's answer for a caller who may.
   */
  answer?: (who: Principal, ok: Answer) => Answer;
}

export type Rules = Record<string, Rule>;

export const SYSTEM: Need = { on: 'system' };
export const LIST: Need = { on: 'list' };
export const userIn = (d: Dom): Need => ({ on: 'user', d, missing: 'USER_NOT_FOUND' });
export const SELF: Need = { on: 'user', d: 'a', missing: 'USER_NOT_FOUND', self: true };
export const domainOf = (d: Dom, missing: string): Need => ({ on: 'domain', d, missing });
export const addressIn = (d: Dom): Need => ({ on: 'address', d });

export const status = (s: number, code?: string) => ({ status: s, ...(code ? { code } : {}) });

/** GET as the bootstrap key; throws unless 200. */
export async function look<T = Record<string, unknown>>(w: World, path: string): Promise<T> {
  const res = await w.root({ method: 'GET', path });
  if (res.status !== 200) throw new Error(`GET ${path} as root: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as T;
}

/** Every item of a cursor-paginated list, as the bootstrap key, following `nextCursor`. */
export async function allPages<T>(w: World, path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: { items: T[]; nextCursor: string | null } = await look(
      w,
      `${path}${sep}limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * The rule of a list of integration credentials (apps, API keys): it may show
 * only those the caller manages — restricted to one of its domains, or, for
 * an unrestricted caller, any.
 */
export function credentialListRule(operation: string, path: string): Rule {
  return {
    scope: 'apps:write',
    ok: status(200),
    cases: [
      {
        label: 'all',
        needs: [LIST],
        request: (_w, who) => ({
          method: 'GET',
          path: `${path}?limit=200`,
          done: (res) => {
            for (const item of (res.json as { items: { domain: string | null }[] }).items) {
              const d = item.domain === 'a.test' ? 'a' : item.domain === 'b.test' ? 'b' : null;
              if (!(d ? manages(who, d) : unrestricted(who)))
                throw new Error(`${operation} shows one of ${item.domain ?? 'every domain'}`);
            }
          },
        }),
      },
    ],
  };
}

/** The status of a GET as the bootstrap key. */
export const statusOf = async (w: World, path: string) => (await w.root({ method: 'GET', path })).status;

/** Throws `what` unless `actual` deep-equals `wanted` (JSON comparison: arrays in order). */
export function same(actual: unknown, wanted: unknown, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
    throw new Error(`${what}: got ${JSON.stringify(actual)}, want ${JSON.stringify(wanted)}`);
  }
}

/** The user-keyed cases of a route: a user of a, one of b, the caller, and an alias in a of b's user. */
export function userCases(
  path: (address: string) => string,
  method: Req['method'] = 'GET',
  options: { alias?: boolean; body?: unknown } = {},
): Case[] {
  const req = (address: string): Prepared => ({
    method,
    path: path(address),
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const cases: Case[] = [
    { label: 'a', needs: [userIn('a')], request: (w) => req(w.user.a) },
    { label: 'b', needs: [userIn('b')], request: (w) => req(w.user.b) },
    { label: 'self', self: true, needs: [SELF], request: (_w, who) => req(who.self as string) },
  ];
  if (options.alias) {
    cases.push({
      label: 'alias in a of a user of b',
      needs: [userIn('a'), userIn('b')],
      request: (w) => req(w.shared),
    });
  }
  return cases;
}
