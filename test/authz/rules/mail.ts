import { type Dom, manages, type Who } from '../model.js';
import type { Principal, World } from '../world.js';
import {
  type Case,
  look,
  type Prepared,
  type Rules,
  SELF,
  same,
  status,
  statusOf,
  userCases,
  userIn,
} from './common.js';

/** The seeded users' cases with the seeded message of each (a, b, self). */
function messageCases(
  method: Prepared['method'],
  path: (address: string, m: World['message'][string]) => string,
  body?: unknown,
): Case[] {
  const req = (w: World, address: string): Prepared => ({
    method,
    path: path(address, w.message[address] as World['message'][string]),
    ...(body === undefined ? {} : { body }),
  });
  return [
    { label: 'a', needs: [userIn('a')], request: (w) => req(w, w.user.a) },
    { label: 'b', needs: [userIn('b')], request: (w) => req(w, w.user.b) },
    { label: 'self', self: true, needs: [SELF], request: (w, who) => req(w, who.self as string) },
  ];
}

const ownerOf = (w: World, label: string, who: Principal) =>
  label === 'self' ? (who.self as string) : w.user[label as Dom];

/** A write to a fresh message of the case's user, and how to see whether it happened. */
function freshMessageCases(
  method: 'PATCH' | 'DELETE',
  body: unknown,
  changed: (w: World, address: string, id: string) => Promise<boolean>,
): Case[] {
  return messageCases(method, () => '').map((c) => ({
    ...c,
    request: async (w: World, who: Principal) => {
      const address = ownerOf(w, c.label, who);
      const id = await w.fresh.message(address);
      const is = async (want: boolean) => same(await changed(w, address, id), want, `message ${id} changed`);
      return {
        method,
        path: `/api/v1/users/${address}/messages/${id}`,
        ...(body === undefined ? {} : { body }),
        unchanged: () => is(false),
        done: () => is(true),
      };
    },
  }));
}

/** Whether `who` may count `address` in a batch: their own, or a user (by canonical domain too) they manage. */
function counted(who: Who, address: string): boolean {
  if (address === who.self) return true;
  const visible = {
    'alice@a.test': ['a'],
    'bob@a.test': ['a'],
    'carol@b.test': ['b'],
    'shared@a.test': ['a', 'b'],
  }[address] as Dom[] | undefined;
  return visible?.every((d) => manages(who, d)) ?? false;
}

const BATCH = ['alice@a.test', 'bob@a.test', 'carol@b.test', 'shared@a.test', 'ghost@b.test'];

export const mailRules: Rules = {
  listMailboxes: {
    scope: 'mail:read',
    ok: status(200),
    cases: userCases((a) => `/api/v1/users/${a}/mailboxes`),
  },
  listMessages: {
    scope: 'mail:read',
    ok: status(200),
    cases: userCases((a) => `/api/v1/users/${a}/messages`),
  },
  getMessage: {
    scope: 'mail:read',
    ok: status(200),
    cases: messageCases('GET', (a, m) => `/api/v1/users/${a}/messages/${m.id}`),
  },
  getRawMessage: {
    scope: 'mail:read',
    ok: status(200),
    cases: messageCases('GET', (a, m) => `/api/v1/users/${a}/messages/${m.id}/raw`),
  },
  getAttachment: {
    scope: 'mail:read',
    ok: status(200),
    cases: messageCases('GET', (a, m) => `/api/v1/users/${a}/messages/${m.id}/attachments/${m.attachmentId}`),
  },
  updateMessage: {
    scope: 'mail:write',
    ok: status(200),
    cases: freshMessageCases('PATCH', { flagged: true }, async (w, address, id) => {
      return (await look(w, `/api/v1/users/${address}/messages/${id}`)).flagged === true;
    }),
  },
  deleteMessage: {
    scope: 'mail:write',
    ok: status(204),
    cases: freshMessageCases('DELETE', undefined, async (w, address, id) => {
      return (await statusOf(w, `/api/v1/users/${address}/messages/${id}`)) === 404;
    }),
  },
  getUnreadCount: {
    scope: 'mail:read',
    ok: status(200),
    cases: userCases((a) => `/api/v1/users/${a}/unread-count`, 'GET', { alias: true }),
  },
  getUnreadCounts: {
    scope: 'mail:read',
    ok: status(200),
    cases: [
      {
        label: 'a, b, an alias in a of a user of b, and a missing user',
        needs: [],
        request: (_w, who) => ({
          method: 'POST',
          path: '/api/v1/unread-counts',
          body: { users: BATCH },
          done: (res) => {
            const keys = Object.keys((res.json as { counts: Record<string, number> }).counts).sort();
            same(keys, BATCH.filter((a) => counted(who, a)).sort(), 'counted users');
          },
        }),
      },
    ],
  },
  sendMessage: {
    scope: 'mail:write',
    ok: status(201),
    // As the case's user, to a fresh user of the same domain: refused, the recipient has nothing.
    cases: messageCases('POST', () => '').map((c) => ({
      ...c,
      request: async (w: World, who: Principal) => {
        const sender = ownerOf(w, c.label, who);
        const recipient = await w.fresh.user(sender.endsWith('@b.test') ? 'b' : 'a');
        const total = async () => (await look(w, `/api/v1/users/${recipient}/unread-count`)).total;
        return {
          method: 'POST',
          path: `/api/v1/users/${sender}/send`,
          body: { to: [recipient], subject: 'matrix', text: 'x' },
          unchanged: async () => same(await total(), 0, `mail of ${recipient}`),
          done: async () => same(await total(), 1, `mail of ${recipient}`),
        };
      },
    })),
  },
};
