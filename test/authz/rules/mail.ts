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

/** Cases of a write to a fresh mailbox `f<n>` of the case's user, made as the bootstrap key. */
function freshMailboxCases(
  method: 'PATCH' | 'DELETE',
  body: (n: number) => unknown,
  changed: (w: World, address: string, name: string, n: number) => Promise<boolean>,
): Case[] {
  return messageCases(method, () => '').map((c) => ({
    ...c,
    request: async (w: World, who: Principal) => {
      const address = ownerOf(w, c.label, who);
      const n = w.n();
      const name = `f${n}/sub`;
      const made = await w.root({
        method: 'POST',
        path: `/api/v1/users/${address}/mailboxes`,
        body: { name },
      });
      if (made.status !== 201) throw new Error(`seeding mailbox ${name}: ${made.status}`);
      const is = async (want: boolean) =>
        same(await changed(w, address, name, n), want, `mailbox ${name} changed`);
      return {
        method,
        path: `/api/v1/users/${address}/mailboxes/${encodeURIComponent(name)}`,
        ...(method === 'PATCH' ? { body: body(n) } : {}),
        unchanged: () => is(false),
        done: () => is(true),
      };
    },
  }));
}

/** The names of a user's mailboxes, as the bootstrap key sees them. */
const mailboxNames = async (w: World, address: string) =>
  ((await look(w, `/api/v1/users/${address}/mailboxes`)) as { items: { name: string }[] }).items.map(
    (m) => m.name,
  );

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
  listMessageChanges: {
    scope: 'mail:read',
    ok: status(200),
    cases: userCases((a) => `/api/v1/users/${a}/messages/changes?limit=5`),
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
  batchMessages: {
    scope: 'mail:write',
    ok: status(200),
    cases: messageCases('POST', () => '').map((c) => ({
      ...c,
      request: async (w: World, who: Principal) => {
        const address = ownerOf(w, c.label, who);
        const id = await w.fresh.message(address);
        const is = async (want: boolean) =>
          same(
            (await look(w, `/api/v1/users/${address}/messages/${id}`)).flagged === true,
            want,
            `message ${id} flagged`,
          );
        return {
          method: 'POST',
          path: `/api/v1/users/${address}/messages:batch`,
          body: { ids: [id], action: 'flag' },
          unchanged: () => is(false),
          done: () => is(true),
        };
      },
    })),
  },
  deleteMessage: {
    scope: 'mail:write',
    ok: status(204),
    cases: freshMessageCases('DELETE', undefined, async (w, address, id) => {
      return (await statusOf(w, `/api/v1/users/${address}/messages/${id}`)) === 404;
    }),
  },
  createMailbox: {
    scope: 'mail:write',
    ok: status(201),
    cases: messageCases('POST', () => '').map((c) => ({
      ...c,
      request: async (w: World, who: Principal) => {
        const address = ownerOf(w, c.label, who);
        const name = `new${w.n()}`;
        const is = async (want: boolean) =>
          same((await mailboxNames(w, address)).includes(name), want, `mailbox ${name} exists`);
        return {
          method: 'POST',
          path: `/api/v1/users/${address}/mailboxes`,
          body: { name },
          unchanged: () => is(false),
          done: () => is(true),
        };
      },
    })),
  },
  updateMailbox: {
    scope: 'mail:write',
    ok: status(200),
    cases: freshMailboxCases(
      'PATCH',
      (n) => ({ name: `renamed${n}` }),
      async (w, address, _name, n) => (await mailboxNames(w, address)).includes(`renamed${n}`),
    ),
  },
  deleteMailbox: {
    scope: 'mail:write',
    ok: status(204),
    cases: freshMailboxCases(
      'DELETE',
      () => undefined,
      async (w, address, name) => !(await mailboxNames(w, address)).includes(name),
    ),
  },
  copyMessage: {
    scope: 'mail:write',
    ok: status(201),
    cases: messageCases('POST', () => '').map((c) => ({
      ...c,
      request: async (w: World, who: Principal) => {
        const address = ownerOf(w, c.label, who);
        const id = await w.fresh.message(address);
        const { subject } = (await look(w, `/api/v1/users/${address}/messages/${id}`)) as { subject: string };
        const copied = async () => {
          const page = (await look(w, `/api/v1/users/${address}/messages?mailbox=Trash&limit=200`)) as {
            items: { subject: string }[];
          };
          return page.items.some((m) => m.subject === subject);
        };
        return {
          method: 'POST',
          path: `/api/v1/users/${address}/messages/${id}/copy`,
          body: { mailbox: 'Trash' },
          unchanged: async () => same(await copied(), false, `message ${id} copied`),
          done: async () => same(await copied(), true, `message ${id} copied`),
        };
      },
    })),
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
