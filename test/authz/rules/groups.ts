import { DOMAIN, type Dom, manages, type Need } from '../model.js';
import type { World } from '../world.js';
import {
  addressIn,
  type Case,
  domainOf,
  look,
  type Rules,
  same,
  status,
  statusOf,
  userIn,
} from './common.js';

const groupIn = (d: Dom): Need => domainOf(d, 'GROUP_NOT_FOUND');

const membersOf = async (w: World, id: string) =>
  (await look<{ items: { address: string }[] }>(w, `/api/v1/groups/${id}/members`)).items.map(
    (u) => u.address,
  );

/** `POST /groups` in `d`, optionally with a distribution address; refused: no group of that name. */
function createCase(
  label: string,
  d: Dom,
  address: ((w: World) => string) | null,
  needs: Need[],
  ok = status(201),
): Case {
  return {
    label,
    needs,
    ok,
    request: (w) => {
      const name = `new${w.n()}`;
      return {
        method: 'POST',
        path: '/api/v1/groups',
        body: { domain: DOMAIN[d], name, kind: 'group', ...(address ? { address: address(w) } : {}) },
        unchanged: async () => {
          const tree = await look<{ items: { name: string }[] }>(w, `/api/v1/domains/${DOMAIN[d]}/groups`);
          same(
            tree.items.some((g) => g.name === name),
            false,
            `group ${name} created`,
          );
        },
      };
    },
  };
}

/**
 * Adding `member` to a fresh group of `d`. A system admin may put another
 * domain's user in a group (204); a restricted caller, only users it may see.
 */
function addCase(
  label: string,
  d: Dom,
  member: (w: World) => string,
  canonical: string,
  needs: Need[],
): Case {
  return {
    label,
    needs: [groupIn(d), ...needs],
    request: async (w) => {
      const id = await w.fresh.group(d);
      return {
        method: 'POST',
        path: `/api/v1/groups/${id}/members`,
        body: { addresses: [member(w)] },
        unchanged: async () => same(await membersOf(w, id), [], `members of ${id}`),
        done: async () => same(await membersOf(w, id), [canonical], `members of ${id}`),
      };
    },
  };
}

/** Removing `member` from a fresh group of `d` that has them. */
function removeCase(label: string, d: Dom, member: string, needs: Need[]): Case {
  return {
    label,
    needs: [groupIn(d), ...needs],
    request: async (w) => {
      const id = await w.fresh.group(d, [member]);
      return {
        method: 'DELETE',
        path: `/api/v1/groups/${id}/members/${member}`,
        unchanged: async () => same(await membersOf(w, id), [member], `members of ${id}`),
        done: async () => same(await membersOf(w, id), [], `members of ${id}`),
      };
    },
  };
}

/** A group of a.test with an address of b.test: a's domain first, then the address. */
const ADDRESS_IN_B: Need[] = [domainOf('a', 'DOMAIN_NOT_FOUND'), addressIn('b')];

export const groupRules: Rules = {
  createGroup: {
    scope: 'groups:write',
    ok: status(201),
    cases: [
      createCase('a', 'a', null, [domainOf('a', 'DOMAIN_NOT_FOUND')]),
      createCase('b', 'b', null, [domainOf('b', 'DOMAIN_NOT_FOUND')]),
      // A group's address must be in its own domain: whoever may name b's addresses gets 422 from the
      // directory; whoever may not, 404, the same for a taken (team@b.test) and a free address.
      createCase(
        'a, free address in b',
        'a',
        (w) => `free${w.n()}@b.test`,
        ADDRESS_IN_B,
        status(422, 'VALIDATION_FAILED'),
      ),
      createCase(
        'a, taken address in b',
        'a',
        () => 'team@b.test',
        ADDRESS_IN_B,
        status(422, 'VALIDATION_FAILED'),
      ),
    ],
  },
  getGroupTree: {
    scope: 'groups:read',
    ok: status(200),
    cases: (['a', 'b'] as const).map((d) => ({
      label: d,
      needs: [domainOf(d, 'DOMAIN_NOT_FOUND')],
      request: () => ({ method: 'GET', path: `/api/v1/domains/${DOMAIN[d]}/groups` }),
    })),
  },
  getGroup: {
    scope: 'groups:read',
    ok: status(200),
    cases: (['a', 'b'] as const).map((d) => ({
      label: d,
      needs: [groupIn(d)],
      request: (w) => ({ method: 'GET', path: `/api/v1/groups/${w.group[d]}` }),
    })),
  },
  updateGroup: {
    scope: 'groups:write',
    ok: status(200),
    cases: [
      ...(['a', 'b'] as const).map((d) => ({
        label: d,
        needs: [groupIn(d)],
        request: (w: World) => ({
          method: 'PATCH' as const,
          path: `/api/v1/groups/${w.group[d]}`,
          body: { sortOrder: 1 },
        }),
      })),
      {
        label: 'a, address in b',
        needs: [groupIn('a'), addressIn('b')],
        ok: status(422, 'VALIDATION_FAILED'),
        request: async (w) => {
          const id = await w.fresh.group('a');
          return {
            method: 'PATCH',
            path: `/api/v1/groups/${id}`,
            body: { address: `free${w.n()}@b.test` },
            unchanged: async () =>
              same((await look(w, `/api/v1/groups/${id}`)).address, null, `address of ${id}`),
          };
        },
      },
    ],
  },
  deleteGroup: {
    scope: 'groups:write',
    ok: status(204),
    cases: (['a', 'b'] as const).map((d) => ({
      label: d,
      needs: [groupIn(d)],
      request: async (w) => {
        const id = await w.fresh.group(d);
        const exists = async (want: number) =>
          same(await statusOf(w, `/api/v1/groups/${id}`), want, `group ${id}`);
        return {
          method: 'DELETE',
          path: `/api/v1/groups/${id}`,
          unchanged: () => exists(200),
          done: () => exists(404),
        };
      },
    })),
  },
  listGroupMembers: {
    scope: 'groups:read',
    ok: status(200),
    cases: (['a', 'b'] as const).map((d) => ({
      label: d,
      needs: [groupIn(d)],
      request: (w, who) => ({
        method: 'GET',
        path: `/api/v1/groups/${w.group[d]}/members`,
        // a.test's team has carol of b.test too (a system admin added her): only callers who see b see her.
        done: (res) => {
          const seeded = d === 'a' ? ['bob@a.test', 'carol@b.test'] : ['carol@b.test'];
          const visible = seeded.filter((a) => manages(who, a.endsWith('@a.test') ? 'a' : 'b'));
          same(
            (res.json as { items: { address: string }[] }).items.map((u) => u.address),
            visible,
            'members',
          );
        },
      }),
    })),
  },
  addGroupMembers: {
    scope: 'groups:write',
    ok: status(204),
    cases: [
      addCase('a, user of a', 'a', (w) => w.user.a, 'bob@a.test', [userIn('a')]),
      addCase('b, user of b', 'b', (w) => w.user.b, 'carol@b.test', [userIn('b')]),
      addCase('a, user of b', 'a', (w) => w.user.b, 'carol@b.test', [userIn('b')]),
      addCase('a, alias in a of a user of b', 'a', (w) => w.shared, 'carol@b.test', [
        userIn('a'),
        userIn('b'),
      ]),
    ],
  },
  removeGroupMember: {
    scope: 'groups:write',
    ok: status(204),
    cases: [
      removeCase('a, member of a', 'a', 'bob@a.test', [userIn('a')]),
      removeCase('b, member of b', 'b', 'carol@b.test', [userIn('b')]),
      removeCase('a, member of b', 'a', 'carol@b.test', [userIn('b')]),
    ],
  },
};
