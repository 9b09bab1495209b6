import { DOMAIN, type Dom, manages, type Need, unrestricted } from '../model.js';
import type { World } from '../world.js';
import { type Case, domainOf, LIST, look, type Rules, SYSTEM, same, status, statusOf } from './common.js';

type KeyTarget = Dom | 'global';
const TARGETS: KeyTarget[] = ['a', 'b', 'global'];
const keyNeeds = (t: KeyTarget): Need[] =>
  t === 'global' ? [{ on: 'global-app', missing: 'API_KEY_NOT_FOUND' }] : [domainOf(t, 'API_KEY_NOT_FOUND')];

/** Every API key's record, following the cursor. */
async function allKeys(w: World): Promise<{ id: string; name: string; domain: string | null }[]> {
  const out: { id: string; name: string; domain: string | null }[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: typeof out; nextCursor: string | null } = await look(
      w,
      `/api/v1/api-keys?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * A write to a fresh key restricted to `t` (or to none) that, allowed, makes
 * the key stop working: its record is then gone (404). The check does not
 * use the key itself — dozens of refused keys from one address would meet
 * the login guard's budget for wrong secrets; test/api-keys.test.ts shows a
 * revoked or rotated key refused.
 */
function stopsKeyCase(t: KeyTarget, method: 'DELETE' | 'POST', suffix: string, body?: unknown): Case {
  return {
    label: t,
    needs: keyNeeds(t),
    request: async (w) => {
      const { id } = await w.fresh.apiKey(t === 'global' ? null : t);
      const works = async (want: boolean) =>
        same(await statusOf(w, `/api/v1/api-keys/${id}`), want ? 200 : 404, `key ${id} works`);
      return {
        method,
        path: `/api/v1/api-keys/${id}${suffix}`,
        ...(body === undefined ? {} : { body }),
        unchanged: () => works(true),
        done: () => works(false),
      };
    },
  };
}

export const apiKeyRules: Rules = {
  createApiKey: {
    scope: 'apps:write',
    ok: status(201),
    cases: TARGETS.map((t) => ({
      label: t,
      needs: t === 'global' ? [SYSTEM] : [domainOf(t, 'DOMAIN_NOT_FOUND')],
      request: (w) => {
        const name = `new key ${w.n()}`;
        return {
          method: 'POST',
          path: '/api/v1/api-keys',
          body: { name, scopes: ['mail:read'], ...(t === 'global' ? {} : { domain: DOMAIN[t] }) },
          unchanged: async () =>
            same(
              (await allKeys(w)).some((k) => k.name === name),
              false,
              `key ${name}`,
            ),
        };
      },
    })),
  },
  listApiKeys: {
    scope: 'apps:write',
    ok: status(200),
    cases: [
      {
        label: 'all',
        needs: [LIST],
        request: (_w, who) => ({
          method: 'GET',
          path: '/api/v1/api-keys?limit=200',
          done: (res) => {
            for (const key of (res.json as { items: { domain: string | null }[] }).items) {
              const d = key.domain === 'a.test' ? 'a' : key.domain === 'b.test' ? 'b' : null;
              if (!(d ? manages(who, d) : unrestricted(who)))
                throw new Error(`listApiKeys shows a key of ${key.domain ?? 'every domain'}`);
            }
          },
        }),
      },
    ],
  },
  getApiKey: {
    scope: 'apps:write',
    ok: status(200),
    cases: TARGETS.map((t) => ({
      label: t,
      needs: keyNeeds(t),
      request: (w) => ({ method: 'GET', path: `/api/v1/api-keys/${w.apiKey[t]}` }),
    })),
  },
  revokeApiKey: {
    scope: 'apps:write',
    ok: status(204),
    cases: TARGETS.map((t) => stopsKeyCase(t, 'DELETE', '')),
  },
  rotateApiKey: {
    scope: 'apps:write',
    ok: status(201),
    cases: TARGETS.map((t) => stopsKeyCase(t, 'POST', '/rotate', { graceSeconds: 0 })),
  },
};
