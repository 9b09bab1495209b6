import { DOMAIN, type Dom, type Need } from '../model.js';
import type { World } from '../world.js';
import {
  allPages,
  type Case,
  credentialListRule,
  domainOf,
  type Rules,
  SYSTEM,
  same,
  status,
  statusOf,
} from './common.js';

type KeyTarget = Dom | 'global';
const TARGETS: KeyTarget[] = ['a', 'b', 'global'];
const keyNeeds = (t: KeyTarget): Need[] =>
  t === 'global' ? [{ on: 'global-app', missing: 'API_KEY_NOT_FOUND' }] : [domainOf(t, 'API_KEY_NOT_FOUND')];

const allKeys = (w: World) =>
  allPages<{ id: string; name: string; domain: string | null }>(w, '/api/v1/api-keys');

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
  listApiKeys: credentialListRule('listApiKeys', '/api/v1/api-keys'),
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
