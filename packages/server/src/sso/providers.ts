import type { LoginProvider, Session } from './types.js';

/**
 * A sign-in method the login page offers (OIDC now, CAS next): what
 * `GET /auth/config` lists, and what signing out of a session it made needs.
 */
export interface SsoProviderDriver {
  readonly info: LoginProvider;
  /**
   * Where to send the browser after jdmail's own session ended, to end the
   * provider's session too (OIDC RP-initiated logout, CAS /logout); null
   * when the provider has no such endpoint.
   */
  endSessionUrl(session: Session, baseUrl: string): Promise<string | null>;
}

/** The registered providers, in the order they were added (the login page's button order). */
export interface ProviderRegistry {
  add(driver: SsoProviderDriver): void;
  get(id: string): SsoProviderDriver | undefined;
  list(): LoginProvider[];
}

export function createProviderRegistry(): ProviderRegistry {
  const drivers = new Map<string, SsoProviderDriver>();
  return {
    add(driver) {
      if (drivers.has(driver.info.id)) throw new Error(`SSO provider id "${driver.info.id}" is used twice`);
      drivers.set(driver.info.id, driver);
    },
    get: (id) => drivers.get(id),
    list: () => [...drivers.values()].map((d) => d.info),
  };
}
