import { DOMAIN, type Dom, manages, type Need, unrestricted } from '../model.js';
import type { World } from '../world.js';
import {
  allPages,
  type Case,
  domainOf,
  LIST,
  type Prepared,
  type Rules,
  SYSTEM,
  same,
  status,
  statusOf,
} from './common.js';

type Target = Dom | 'global';
const TARGETS: Target[] = ['a', 'b', 'global'];
const NOT_FOUND = 'WEBHOOK_NOT_FOUND';
/** A closed port on loopback: the matrix's server allows private targets; deliveries there just fail. */
const URL = 'http://127.0.0.1:9/hook';
const QUIET = ['sync.completed'];

const needs = (t: Target): Need[] =>
  t === 'global' ? [{ on: 'global-app', missing: NOT_FOUND }] : [domainOf(t, NOT_FOUND)];

/** An endpoint of `t` (a tenant's, or install-wide), registered as the bootstrap key. */
async function endpoint(w: World, t: Target): Promise<string> {
  const res = await w.root({
    method: 'POST',
    path: '/api/v1/webhooks',
    // A type the matrix never causes: its endpoints stay quiet (no deliveries to retry meanwhile).
    body: {
      url: URL,
      description: `seed ${w.n()}`,
      eventTypes: QUIET,
      domain: t === 'global' ? null : DOMAIN[t],
    },
  });
  if (res.status !== 201) throw new Error(`seeding a webhook: ${res.status} ${JSON.stringify(res.json)}`);
  return (res.json as { endpoint: { id: string } }).endpoint.id;
}

/** One endpoint per target for requests that leave it in place, made once per world. */
const seeded = new WeakMap<World, Promise<Record<Target, string>>>();
function seededEndpoint(w: World, t: Target): Promise<string> {
  let all = seeded.get(w);
  if (!all) {
    all = (async () => ({
      a: await endpoint(w, 'a'),
      b: await endpoint(w, 'b'),
      global: await endpoint(w, 'global'),
    }))();
    seeded.set(w, all);
  }
  return all.then((e) => e[t]);
}

const seededCases = (method: Prepared['method'], suffix: string, body?: unknown): Case[] =>
  TARGETS.map((t) => ({
    label: t,
    needs: needs(t),
    request: async (w: World) => ({
      method,
      path: `/api/v1/webhooks/${await seededEndpoint(w, t)}${suffix}`,
      ...(body === undefined ? {} : { body }),
    }),
  }));

export const webhookRules: Rules = {
  createWebhook: {
    scope: 'webhooks:write',
    ok: status(201),
    cases: TARGETS.map((t) => ({
      label: t,
      needs: t === 'global' ? [SYSTEM] : [domainOf(t, 'DOMAIN_NOT_FOUND')],
      request: (w) => {
        const description = `new webhook ${w.n()}`;
        return {
          method: 'POST',
          path: '/api/v1/webhooks',
          body: {
            url: URL,
            description,
            eventTypes: ['message.new'],
            domain: t === 'global' ? null : DOMAIN[t],
          },
          unchanged: async () =>
            same(
              (await allPages<{ description: string }>(w, '/api/v1/webhooks')).some(
                (e) => e.description === description,
              ),
              false,
              `webhook ${description}`,
            ),
        };
      },
    })),
  },
  listWebhooks: {
    scope: 'webhooks:read',
    ok: status(200),
    cases: [
      {
        label: 'all',
        needs: [LIST],
        request: async (w, who) => {
          await seededEndpoint(w, 'a');
          return {
            method: 'GET',
            path: '/api/v1/webhooks?limit=200',
            done: (res) => {
              const items = (res.json as { items: { domain: string | null }[] }).items;
              for (const item of items) {
                const d = item.domain === 'a.test' ? 'a' : item.domain === 'b.test' ? 'b' : null;
                if (!(d ? manages(who, d) : unrestricted(who)))
                  throw new Error(`listWebhooks shows one of ${item.domain ?? 'the install'}`);
              }
              if (!items.some((e) => e.domain === 'a.test')) throw new Error('listWebhooks hides a.test’s');
            },
          };
        },
      },
    ],
  },
  getWebhook: { scope: 'webhooks:read', ok: status(200), cases: seededCases('GET', '') },
  updateWebhook: {
    scope: 'webhooks:write',
    ok: status(200),
    cases: TARGETS.map((t) => ({
      label: t,
      needs: needs(t),
      request: async (w: World) => {
        // A fresh endpoint per request: the cases run in parallel, and another caller's allowed
        // change must not look like this refused one's.
        const id = await endpoint(w, t);
        const path = `/api/v1/webhooks/${id}`;
        const before = (await w.root({ method: 'GET', path })).json as { description: string };
        return {
          method: 'PATCH',
          path,
          body: { description: `changed ${w.n()}` },
          unchanged: async () =>
            same(
              ((await w.root({ method: 'GET', path })).json as { description: string }).description,
              before.description,
              `webhook ${id}`,
            ),
        };
      },
    })),
  },
  deleteWebhook: {
    scope: 'webhooks:write',
    ok: status(204),
    cases: TARGETS.map((t) => ({
      label: t,
      needs: needs(t),
      request: async (w: World) => {
        const id = await endpoint(w, t);
        const is = async (code: number) =>
          same(await statusOf(w, `/api/v1/webhooks/${id}`), code, `webhook ${id} status`);
        return {
          method: 'DELETE',
          path: `/api/v1/webhooks/${id}`,
          unchanged: () => is(200),
          done: () => is(404),
        };
      },
    })),
  },
  rotateWebhookSecret: {
    scope: 'webhooks:write',
    ok: status(200),
    cases: seededCases('POST', '/rotate-secret', { overlapHours: 1 }),
  },
  enableWebhook: { scope: 'webhooks:write', ok: status(200), cases: seededCases('POST', '/enable') },
  listWebhookAttempts: { scope: 'webhooks:read', ok: status(200), cases: seededCases('GET', '/attempts') },
  testWebhook: { scope: 'webhooks:write', ok: status(200), cases: seededCases('POST', '/test') },
};
