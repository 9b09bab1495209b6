import { DOMAIN, type Dom, manages, unrestricted, type Who } from '../model.js';
import type { World } from '../world.js';
import {
  addressIn,
  type Case,
  domainOf,
  LIST,
  look,
  type Rules,
  SYSTEM,
  same,
  status,
  statusOf,
  userCases,
  userIn,
} from './common.js';

/** The domains in a list answer, each of which the caller must manage. */
function onlyManaged(items: { domain: string }[], who: Who, what: string): void {
  for (const item of items) {
    const d = (Object.keys(DOMAIN) as Dom[]).find((k) => DOMAIN[k] === item.domain);
    if (!unrestricted(who) && !(d && manages(who, d))) throw new Error(`${what} shows ${item.domain}`);
  }
}

/** `POST /users` of a new address in `d`, with `aliases`; refused: the user, and each free alias, absent. */
function createUserCase(
  label: string,
  d: Dom,
  aliases: (w: World) => string[],
  needs: Case['needs'],
  ok = status(201),
): Case {
  return {
    label,
    needs,
    ok,
    request: (w) => {
      const address = `new${w.n()}@${DOMAIN[d]}`;
      const named = aliases(w);
      return {
        method: 'POST',
        path: '/api/v1/users',
        body: { address, ...(named.length ? { aliases: named } : {}) },
        unchanged: async () => {
          same(await statusOf(w, `/api/v1/users/${address}`), 404, `user ${address}`);
          for (const alias of named) {
            const holder = await w.root({ method: 'GET', path: `/api/v1/users/${alias}` });
            const owner = (holder.json as { address?: string } | undefined)?.address;
            // A free alias stays free; a taken one stays with its holder.
            if (alias.startsWith('free')) same(holder.status, 404, `alias ${alias}`);
            else same(owner, 'carol@b.test', `holder of ${alias}`);
          }
        },
        done: async () => same(await statusOf(w, `/api/v1/users/${address}`), 200, `user ${address}`),
      };
    },
  };
}

/** `PATCH /users/{fresh user of a}` with `aliases`; refused: the user's aliases unchanged (none). */
function aliasCase(label: string, alias: (w: World) => string, ok = status(200)): Case {
  return {
    label,
    needs: [userIn('a'), addressIn('b')],
    ok,
    request: async (w) => {
      const address = await w.fresh.user('a');
      const named = alias(w);
      return {
        method: 'PATCH',
        path: `/api/v1/users/${address}`,
        body: { aliases: [named] },
        unchanged: async () =>
          same((await look(w, `/api/v1/users/${address}`)).aliases, [], `aliases of ${address}`),
        done: async () =>
          same((await look(w, `/api/v1/users/${address}`)).aliases, [named], `aliases of ${address}`),
      };
    },
  };
}

/** A state verb on a fresh user of `d` (disable, enable, delete), with its before and after. */
function freshUserCase(
  d: Dom,
  method: 'POST' | 'DELETE',
  suffix: string,
  before: (w: World, address: string) => Promise<void>,
  check: (w: World, address: string, changed: boolean) => Promise<void>,
): Case {
  return {
    label: d,
    needs: [userIn(d)],
    request: async (w) => {
      const address = await w.fresh.user(d);
      await before(w, address);
      return {
        method,
        path: `/api/v1/users/${address}${suffix}`,
        unchanged: () => check(w, address, false),
        done: () => check(w, address, true),
      };
    },
  };
}

const enabledIs = async (w: World, address: string, enabled: boolean) =>
  same((await look(w, `/api/v1/users/${address}`)).enabled, enabled, `${address} enabled`);

export const userRules: Rules = {
  createDomain: {
    scope: 'domains:write',
    ok: status(201),
    cases: [
      {
        label: 'new domain',
        needs: [SYSTEM],
        request: (w) => {
          const name = `d${w.n()}.test`;
          return {
            method: 'POST',
            path: '/api/v1/domains',
            body: { name },
            unchanged: async () => same(await statusOf(w, `/api/v1/domains/${name}`), 404, name),
          };
        },
      },
    ],
  },
  listDomains: {
    scope: 'domains:read',
    ok: status(200),
    cases: [
      {
        label: 'all',
        needs: [LIST],
        request: (_w, who) => ({
          method: 'GET',
          path: '/api/v1/domains?limit=200',
          done: (res) => {
            const items = (res.json as { items: { name: string }[] }).items;
            onlyManaged(
              items.map((i) => ({ domain: i.name })),
              who,
              'listDomains',
            );
            same(
              items.some((i) => i.name === 'a.test'),
              true,
              'a.test listed',
            );
          },
        }),
      },
    ],
  },
  getDomain: {
    scope: 'domains:read',
    ok: status(200),
    cases: (['a', 'b'] as const).map((d) => ({
      label: d,
      needs: [domainOf(d, 'DOMAIN_NOT_FOUND')],
      request: () => ({ method: 'GET', path: `/api/v1/domains/${DOMAIN[d]}` }),
    })),
  },
  deleteDomain: {
    scope: 'domains:write',
    // Both domains have users: a caller who may gets DOMAIN_NOT_EMPTY, and nothing is lost.
    ok: status(409, 'DOMAIN_NOT_EMPTY'),
    cases: (['a', 'b'] as const).map((d) => ({
      label: d,
      needs: [domainOf(d, 'DOMAIN_NOT_FOUND'), SYSTEM],
      request: (w) => ({
        method: 'DELETE',
        path: `/api/v1/domains/${DOMAIN[d]}`,
        unchanged: async () => same(await statusOf(w, `/api/v1/domains/${DOMAIN[d]}`), 200, DOMAIN[d]),
      }),
    })),
  },
  createUser: {
    scope: 'users:write',
    ok: status(201),
    cases: [
      createUserCase('a', 'a', () => [], [addressIn('a')]),
      createUserCase('b', 'b', () => [], [addressIn('b')]),
      // Finding F1: an alias in another tenant's domain; F12: the same answer whether it is taken.
      createUserCase('a, free alias in b', 'a', (w) => [`free${w.n()}@b.test`], [
        addressIn('a'),
        addressIn('b'),
      ]),
      createUserCase(
        'a, taken alias in b',
        'a',
        () => ['carol@b.test'],
        [addressIn('a'), addressIn('b')],
        status(409, 'ADDRESS_TAKEN'),
      ),
    ],
  },
  // Authorized row by row: every caller with the scope gets 200; each row answers as POST /users would.
  createUsersBatch: {
    scope: 'users:write',
    ok: status(200),
    cases: (['a', 'b'] as const).map((d) => ({
      label: d,
      needs: [],
      request: (w, who) => {
        const address = `batch${w.n()}@${DOMAIN[d]}`;
        const home = who.kind === 'user' && who.home === d;
        const want = manages(who, d)
          ? { status: 'created', code: null }
          : { status: 'failed', code: home ? 'FORBIDDEN' : 'DOMAIN_NOT_FOUND' };
        return {
          method: 'POST',
          path: '/api/v1/users:batch',
          body: { users: [{ address }] },
          unchanged: async () => same(await statusOf(w, `/api/v1/users/${address}`), 404, `user ${address}`),
          done: async (res) => {
            const row = (res.json as { results: { status: string; error?: { code: string } }[] }).results[0];
            same({ status: row?.status, code: row?.error?.code ?? null }, want, `row for ${address}`);
            same(
              await statusOf(w, `/api/v1/users/${address}`),
              manages(who, d) ? 200 : 404,
              `user ${address}`,
            );
          },
        };
      },
    })),
  },
  listUsers: {
    scope: 'users:read',
    ok: status(200),
    cases: [
      {
        label: 'all',
        needs: [LIST],
        request: (_w, who) => ({
          method: 'GET',
          path: '/api/v1/users?limit=200',
          done: (res) => onlyManaged((res.json as { items: { domain: string }[] }).items, who, 'listUsers'),
        }),
      },
      ...(['a', 'b'] as const).map((d) => ({
        label: `domain ${d}`,
        needs: [LIST, domainOf(d, 'DOMAIN_NOT_FOUND')],
        request: () => ({ method: 'GET' as const, path: `/api/v1/users?domain=${DOMAIN[d]}` }),
      })),
    ],
  },
  getUser: {
    scope: 'users:read',
    ok: status(200),
    cases: userCases((a) => `/api/v1/users/${a}`, 'GET', { alias: true }),
  },
  updateUser: {
    scope: 'users:write',
    ok: status(200),
    cases: [
      ...userCases((a) => `/api/v1/users/${a}`, 'PATCH', { body: { displayName: 'Renamed' } }),
      // Finding F1 by PATCH, and F12: a free and a taken address of b answer alike.
      aliasCase('a, free alias in b', (w) => `free${w.n()}@b.test`),
      aliasCase('a, taken alias in b', () => 'team@b.test', status(409, 'ADDRESS_TAKEN')),
    ],
  },
  deleteUser: {
    scope: 'users:write',
    ok: status(204),
    cases: (['a', 'b'] as const).map((d) =>
      freshUserCase(
        d,
        'DELETE',
        '',
        async () => {},
        async (w, address, changed) =>
          same(await statusOf(w, `/api/v1/users/${address}`), changed ? 404 : 200, address),
      ),
    ),
  },
  disableUser: {
    scope: 'users:write',
    ok: status(200),
    cases: (['a', 'b'] as const).map((d) =>
      freshUserCase(
        d,
        'POST',
        '/disable',
        async () => {},
        (w, address, changed) => enabledIs(w, address, !changed),
      ),
    ),
  },
  enableUser: {
    scope: 'users:write',
    ok: status(200),
    cases: (['a', 'b'] as const).map((d) =>
      freshUserCase(
        d,
        'POST',
        '/enable',
        async (w, address) => {
          await w.root({ method: 'POST', path: `/api/v1/users/${address}/disable` });
        },
        (w, address, changed) => enabledIs(w, address, changed),
      ),
    ),
  },
};
