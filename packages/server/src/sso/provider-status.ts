import type { Kysely } from 'kysely';
import type { CasProviderConfig, OidcProviderConfig } from '../config/index.js';
import type { DB } from '../store/index.js';

/** How a configured SSO provider is doing, for the admin console. */
export interface ProviderStatus {
  id: string;
  kind: 'oidc' | 'cas';
  name: string;
  /** The OIDC issuer or the CAS base URL. */
  url: string;
  /** Configured providers are offered on the login page. */
  enabled: boolean;
  /** The discovery document (OIDC) or the login page (CAS) answered, checked at most once a minute. */
  reachable: boolean;
  /** Why not, when not reachable. */
  reachableDetail: string | null;
  checkedAt: number;
  lastSignInAt: number | null;
  signInsToday: number;
  failuresToday: number;
}

export interface ProviderStatusOptions {
  db: Kysely<DB>;
  oidc: readonly OidcProviderConfig[];
  cas: readonly CasProviderConfig[];
  fetch?: typeof fetch;
  now?: () => number;
  /** How long a reachability check is reused (default a minute). */
  cacheMs?: number;
  /** How long a check may take (default 3 s). */
  timeoutMs?: number;
}

const DAY_MS = 86_400_000;

/** Why a request failed, in a word: fetch's TypeError hides the network error (ECONNREFUSED …) in its cause. */
function failureOf(err: unknown): string {
  let e = err as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown[] } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string') return e.code;
    if (e.name === 'TimeoutError') return 'timeout';
    e = (e.cause ?? e.errors?.[0]) as typeof e;
  }
  return 'unreachable';
}
/** The `sso_audit` events of a sign-in through a provider. */
const SIGN_IN_EVENTS = ['oidc.login', 'cas.login'];

type Check = { at: number; reachable: boolean; detail: string | null };

/**
 * The status of every configured OIDC and CAS provider: reachability (the
 * OIDC discovery document, RFC 8414-style `/.well-known/openid-configuration`;
 * the CAS `/login` page, CAS protocol §2.1), checked at most once per
 * `cacheMs`; sign-ins from the SSO audit trail.
 */
export function createProviderStatus(options: ProviderStatusOptions): { list(): Promise<ProviderStatus[]> } {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const cacheMs = options.cacheMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 3000;
  const checks = new Map<string, Promise<Check>>();
  const checked = new Map<string, Check>();

  async function probe(url: string, wantsJson: boolean): Promise<Check> {
    const at = now();
    try {
      const res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
      if (wantsJson) {
        if (res.status !== 200) return { at, reachable: false, detail: `HTTP ${res.status}` };
        const body = (await res.json()) as { issuer?: unknown };
        if (typeof body.issuer !== 'string')
          return { at, reachable: false, detail: 'no issuer in the document' };
        return { at, reachable: true, detail: null };
      }
      await res.body?.cancel();
      return res.status < 500
        ? { at, reachable: true, detail: null }
        : { at, reachable: false, detail: `HTTP ${res.status}` };
    } catch (err) {
      return { at, reachable: false, detail: failureOf(err) };
    }
  }

  function check(key: string, url: string, wantsJson: boolean): Promise<Check> {
    const last = checked.get(key);
    if (last && now() - last.at < cacheMs) return Promise.resolve(last);
    let running = checks.get(key);
    if (!running) {
      running = probe(url, wantsJson).then((c) => {
        checked.set(key, c);
        checks.delete(key);
        return c;
      });
      checks.set(key, running);
    }
    return running;
  }

  async function signIns(id: string, since: number) {
    const actor = `provider:${id}`;
    const last = await options.db
      .selectFrom('sso_audit')
      .select((eb) => eb.fn.max('at').as('at'))
      .where('actor', '=', actor)
      .where('event', 'in', SIGN_IN_EVENTS)
      .where('result', '=', 'ok')
      .executeTakeFirst();
    const today = await options.db
      .selectFrom('sso_audit')
      .select(['result', (eb) => eb.fn.countAll().as('n')])
      .where('actor', '=', actor)
      .where('event', 'in', SIGN_IN_EVENTS)
      .where('at', '>=', since)
      .groupBy('result')
      .execute();
    const ok = Number(today.find((r) => r.result === 'ok')?.n ?? 0);
    const all = today.reduce((n, r) => n + Number(r.n), 0);
    return {
      lastSignInAt: last?.at == null ? null : Number(last.at),
      signInsToday: ok,
      failuresToday: all - ok,
    };
  }

  const trimSlash = (u: string) => u.replace(/\/+$/, '');
  const providers = () => [
    ...options.oidc.map((p) => ({
      id: p.id,
      kind: 'oidc' as const,
      name: p.name,
      url: p.issuer,
      probe: `${trimSlash(p.issuer)}/.well-known/openid-configuration`,
      json: true,
    })),
    ...options.cas.map((p) => ({
      id: p.id,
      kind: 'cas' as const,
      name: p.name,
      url: p.url,
      probe: `${trimSlash(p.url)}/login`,
      json: false,
    })),
  ];

  return {
    async list() {
      const t = now();
      const since = t - (t % DAY_MS);
      return Promise.all(
        providers().map(async (p) => {
          const [c, counts] = await Promise.all([
            check(`${p.kind}:${p.id}`, p.probe, p.json),
            signIns(p.id, since),
          ]);
          return {
            id: p.id,
            kind: p.kind,
            name: p.name,
            url: p.url,
            enabled: true,
            reachable: c.reachable,
            reachableDetail: c.detail,
            checkedAt: c.at,
            ...counts,
          };
        }),
      );
    },
  };
}
