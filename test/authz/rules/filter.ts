import { DOMAIN, type Dom, type Need } from '../model.js';
import type { Principal, World } from '../world.js';
import {
  type Case,
  domainOf,
  look,
  type Prepared,
  type Rules,
  SELF,
  SYSTEM,
  same,
  status,
  userCases,
  userIn,
} from './common.js';

/** A rule with a name no other case uses, so concurrent cases never see each other's. */
const namedRule = (name: string) => ({
  name,
  when: { size: { over: 0 } },
  actions: [{ action: 'markRead' }],
});
const names = async (w: World, path: string) =>
  (await look<{ rules: { name: string }[] }>(w, path)).rules.map((r) => r.name);

/** A whole-set write: refused, the set lacks the new rule; allowed, the answer is the new set. */
function replaceCase(c: Omit<Case, 'request'> & { path: string }): Case {
  return {
    ...c,
    request: (w) => {
      const name = `rule${w.n()}`;
      return {
        method: 'PUT',
        path: c.path,
        body: { rules: [namedRule(name)] },
        unchanged: async () => same((await names(w, c.path)).includes(name), false, `${name} stored`),
        done: (res) =>
          same(
            (res.json as { rules: { name: string }[] }).rules.map((r) => r.name),
            [name],
            'rules',
          ),
      };
    },
  };
}

const globalCases = (method: 'GET' | 'PUT'): Case[] => {
  const targets: { label: string; needs: Need[]; path: string }[] = [
    { label: 'system', needs: [SYSTEM], path: '/api/v1/rules' },
    ...(['a', 'b'] as const).map((d) => ({
      label: d,
      needs: [domainOf(d, 'DOMAIN_NOT_FOUND')],
      path: `/api/v1/rules?domain=${DOMAIN[d]}`,
    })),
  ];
  return targets.map((t) =>
    method === 'GET'
      ? { label: t.label, needs: t.needs, request: () => ({ method: 'GET', path: t.path }) }
      : replaceCase(t),
  );
};

const groupIn = (d: Dom): Need => domainOf(d, 'GROUP_NOT_FOUND');
const OPEN = {
  send: 'anywhere',
  receive: 'anywhere',
  maxSendBytes: null,
  maxReceiveBytes: null,
  sizeLimitsApply: 'all',
  allowedRecipientDomains: [],
};

/** A message nobody else trains, so the answer is always a fresh learn. */
const trainingMessage = (n: number) =>
  `Message-ID: <train-${n}@authz.test>\r\nFrom: x@remote.test\r\nSubject: offer ${n}\r\n\r\nCheap pills ${n}\r\n`;
const trained = (model: string) => (res: { json: unknown }) => {
  const r = res.json as { model: string; outcome: string };
  same([r.model, ['learned', 'already', 'relearned'].includes(r.outcome)], [model, true], 'train result');
};

export const filterRules: Rules = {
  getRules: { scope: 'domains:read', ok: status(200), cases: globalCases('GET') },
  replaceRules: { scope: 'domains:write', ok: status(200), cases: globalCases('PUT') },
  getUserRules: {
    scope: 'mail:read',
    ok: status(200),
    cases: userCases((a) => `/api/v1/users/${a}/rules`, 'GET', { alias: true }),
  },
  replaceUserRules: {
    scope: 'mail:write',
    ok: status(200),
    cases: userCases((a) => `/api/v1/users/${a}/rules`, 'PUT', { alias: true }).map((c) => ({
      ...c,
      request: async (w: World, who: Principal) => {
        const { path } = (await c.request(w, who)) as Prepared;
        return replaceCase({ ...c, path }).request(w, who);
      },
    })),
  },
  testRules: {
    scope: 'mail:read',
    ok: status(200),
    cases: [
      { label: 'a', needs: [userIn('a')], address: (w: World) => w.user.a },
      { label: 'b', needs: [userIn('b')], address: (w: World) => w.user.b },
      {
        label: 'self',
        self: true,
        needs: [SELF],
        address: (_w: World, who: Principal) => who.self as string,
      },
    ].map(({ address, ...c }) => ({
      ...c,
      request: (w: World, who: Principal): Prepared => {
        const user = address(w, who);
        return {
          method: 'POST',
          path: '/api/v1/rules/test',
          body: { user, messageId: w.message[user]?.id, rules: { rules: [namedRule('any')] } },
          done: (res) => same((res.json as { matched: unknown[] }).matched.length, 1, 'matched rules'),
        };
      },
    })),
  },
  getGroupPolicy: {
    scope: 'groups:read',
    ok: status(200),
    cases: (['a', 'b'] as const).map((d) => ({
      label: d,
      needs: [groupIn(d)],
      request: (w: World) => ({ method: 'GET' as const, path: `/api/v1/groups/${w.group[d]}/policy` }),
    })),
  },
  replaceGroupPolicy: {
    scope: 'groups:write',
    ok: status(200),
    cases: (['a', 'b'] as const).map((d) => ({
      label: d,
      needs: [groupIn(d)],
      request: async (w: World) => {
        const id = await w.fresh.group(d);
        const path = `/api/v1/groups/${id}/policy`;
        const send = async () => (await look<{ send: string }>(w, path)).send;
        return {
          method: 'PUT' as const,
          path,
          body: { ...OPEN, send: 'inside' },
          unchanged: async () => same(await send(), 'anywhere', `policy of ${id}`),
          done: async () => same(await send(), 'inside', `policy of ${id}`),
        };
      },
    })),
  },
  trainSpam: {
    scope: 'mail:write',
    ok: status(200),
    cases: [
      {
        label: 'global model',
        needs: [SYSTEM],
        request: (w: World): Prepared => ({
          method: 'POST',
          path: '/api/v1/spam/train',
          body: { class: 'spam', raw: trainingMessage(w.n()) },
          done: trained('global'),
        }),
      },
      ...[
        { label: 'a', needs: [userIn('a')], address: (w: World) => w.user.a },
        { label: 'b', needs: [userIn('b')], address: (w: World) => w.user.b },
        {
          label: 'self',
          self: true,
          needs: [SELF],
          address: (_w: World, who: Principal) => who.self as string,
        },
      ].map(({ address, ...c }) => ({
        ...c,
        request: (w: World, who: Principal): Prepared => {
          const user = address(w, who);
          return {
            method: 'POST',
            path: '/api/v1/spam/train',
            body: { class: 'ham', user, messageId: w.message[user]?.id },
            done: trained('user'),
          };
        },
      })),
    ],
  },
};
