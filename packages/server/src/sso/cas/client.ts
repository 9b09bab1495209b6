import type { CasProviderConfig } from '../../config/index.js';
import { AppError } from '../../shared/index.js';
import { CasResponseError, loginUrl, parseValidation, validateUrl } from './protocol.js';

/** One CAS server, as configured (`sso.cas[]`; the schema documents each field). */
export type { CasProviderConfig };

/** Who CAS says signed in, mapped to a mailbox address. */
export interface CasIdentity {
  address: string;
  /** The CAS principal, as CAS named it. */
  casUser: string;
  attributes: Record<string, string[]>;
}

export interface CasClient {
  provider(id: string): CasProviderConfig | undefined;
  providers(): readonly CasProviderConfig[];
  /**
   * The service URL CAS sends the user back to. It must be identical at
   * `/login` and at validation (§2.5.1), so it is derived only from the
   * server's public URL, the provider, the (already checked) redirect path
   * and `state`, a nonce the browser that started the sign-in also holds in
   * a cookie: a ticket is bound to its service URL, so a callback URL
   * carried to another browser (login CSRF) fails there.
   */
  serviceUrl(publicUrl: string, provider: CasProviderConfig, redirect: string, state: string): string;
  loginUrl(publicUrl: string, provider: CasProviderConfig, redirect: string, state: string): string;
  /**
   * Validates a service ticket at `/p3/serviceValidate`. Throws AppError
   * `SSO_FAILED` when CAS refuses the ticket or the identity cannot be mapped,
   * `SSO_UNAVAILABLE` when CAS cannot be reached or answers nonsense.
   */
  validate(
    publicUrl: string,
    provider: CasProviderConfig,
    ticket: string,
    redirect: string,
    state: string,
  ): Promise<CasIdentity>;
}

export function createCasClient(deps: {
  providers: readonly CasProviderConfig[];
  fetch?: typeof fetch;
}): CasClient {
  const doFetch = deps.fetch ?? fetch;
  const byId = new Map(deps.providers.map((p) => [p.id, p]));

  const serviceUrl = (publicUrl: string, provider: CasProviderConfig, redirect: string, state: string) => {
    const url = new URL(
      `${publicUrl.replace(/\/+$/, '')}/auth/cas/${encodeURIComponent(provider.id)}/callback`,
    );
    if (redirect !== '/') url.searchParams.set('redirect', redirect);
    url.searchParams.set('state', state);
    return url.toString();
  };

  return {
    provider: (id) => byId.get(id),
    providers: () => deps.providers,
    serviceUrl,
    loginUrl: (publicUrl, provider, redirect, state) =>
      loginUrl(provider.url, serviceUrl(publicUrl, provider, redirect, state), {
        renew: provider.renew,
        gateway: provider.gateway,
      }),

    async validate(publicUrl, provider, ticket, redirect, state) {
      // §3.1: service tickets begin with "ST-"; anything else never goes to CAS.
      if (!/^ST-[\x21-\x7e]{1,256}$/.test(ticket)) {
        throw new AppError('SSO_FAILED', 'The CAS ticket is malformed');
      }
      const url = validateUrl(provider.url, serviceUrl(publicUrl, provider, redirect, state), ticket, {
        renew: provider.renew,
        format: provider.format,
      });
      let body: string;
      try {
        const res = await doFetch(url, {
          signal: AbortSignal.timeout(provider.timeoutMs),
          headers: { accept: provider.format === 'JSON' ? 'application/json' : 'application/xml, text/xml' },
          redirect: 'error',
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        body = await res.text();
      } catch (err) {
        throw new AppError(
          'SSO_UNAVAILABLE',
          `CAS server ${provider.id} cannot be reached: ${(err as Error).message}`,
        );
      }
      let result: ReturnType<typeof parseValidation>;
      try {
        result = parseValidation(body);
      } catch (err) {
        if (err instanceof CasResponseError) {
          throw new AppError('SSO_UNAVAILABLE', `CAS server ${provider.id} answered: ${err.message}`);
        }
        throw err;
      }
      if (!result.ok) {
        throw new AppError(
          'SSO_FAILED',
          `CAS refused the ticket: ${result.code} ${result.description}`.trim(),
        );
      }
      const raw = provider.userAttribute ? result.attributes[provider.userAttribute]?.[0] : result.user;
      const address = mapAddress(raw, provider.domain);
      if (address === null) {
        throw new AppError(
          'SSO_FAILED',
          provider.userAttribute
            ? `CAS gave no usable ${provider.userAttribute} attribute for ${result.user}`
            : `CAS user ${result.user} is not an address and no domain is configured`,
        );
      }
      return { address, casUser: result.user, attributes: result.attributes };
    },
  };
}

/** `jdoe` + `example.edu` → `jdoe@example.edu`; an address stays; anything odd → null. */
export function mapAddress(value: string | undefined, domain: string): string | null {
  const v = value?.trim().toLowerCase();
  if (!v || /\s/.test(v)) return null;
  if (v.includes('@')) return /^[^@]+@[^@]+\.[^@]+$/.test(v) ? v : null;
  return domain ? `${v}@${domain.toLowerCase()}` : null;
}
