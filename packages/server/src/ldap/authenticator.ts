import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  AndFilter,
  type Client,
  type Entry,
  EqualityFilter,
  type Filter,
  FilterParser,
  InvalidCredentialsError,
} from 'ldapts';
import type { Logger } from 'pino';
import type { ExternalAuthenticator, ExternalUserRef } from '../directory/index.js';
import { describeError, withConnection } from './connection.js';
import { toDirectoryUser, toRawEntry } from './entry.js';
import { attributeNames, type LdapSource } from './source.js';
import { guidToBytes } from './values.js';

export interface LdapAuthenticatorDeps {
  sources: LdapSource[];
  /** How long a successful bind is remembered; 0 = always ask the directory. */
  cacheTtlMs: number;
  log: Logger;
  now?: () => number;
  /** Remembered sign-ins at most (oldest forgotten first). */
  maxCached?: number;
}

/** The directory check plus a way to forget what it remembered (tests; a password change). */
export interface LdapAuthenticator extends ExternalAuthenticator {
  forget(userId?: string): void;
}

/**
 * The entry to bind as: found again by its stable id (so a rename or move
 * since the last sync does not lock the user out), and only while it still
 * matches the user filter and is not disabled there. The id goes into the
 * search as a filter object, not as text: nothing in it can change the
 * filter's structure (the injection RFC 4515 §3 escaping guards against),
 * and binary ids (objectGUID) reach the server byte for byte — ldapts's
 * string parser would turn an escaped byte above 0x7F into two.
 */
async function findEntryDn(
  client: Client,
  source: LdapSource,
  user: ExternalUserRef,
): Promise<string | null> {
  const idAttr = attributeNames(source.attributes.externalId)[0] ?? 'dn';
  const attributes = [
    ...new Set(
      [source.attributes.externalId, source.attributes.disabled, source.attributes.address].flatMap(
        attributeNames,
      ),
    ),
  ].filter((a) => a.toLowerCase() !== 'dn');
  const explicitBufferAttributes = attributes.filter((a) => a.toLowerCase() === 'objectguid');
  const userFilter = FilterParser.parseString(source.userFilter);
  let bases: string[];
  let filter: Filter;
  let scope: 'base' | 'sub';
  if (idAttr.toLowerCase() === 'dn') {
    if (!user.dn) return null;
    bases = [user.dn];
    filter = userFilter;
    scope = 'base';
  } else {
    if (!user.externalId) return null;
    const value = idAttr.toLowerCase() === 'objectguid' ? guidToBytes(user.externalId) : user.externalId;
    if (value === null) return null;
    bases = source.userBaseDns;
    filter = new AndFilter({ filters: [userFilter, new EqualityFilter({ attribute: idAttr, value })] });
    scope = 'sub';
  }
  for (const base of bases) {
    const { searchEntries } = await client.search(base, {
      scope,
      filter,
      attributes,
      explicitBufferAttributes,
      sizeLimit: 2,
    });
    if (searchEntries.length !== 1) continue;
    const entry = toDirectoryUser(toRawEntry(searchEntries[0] as Entry), source);
    if ('reason' in entry || entry.disabled) return null;
    return entry.dn;
  }
  return null;
}

/**
 * Checks directory users' passwords with an LDAP simple bind as their entry
 * (RFC 4513 §5.1.3), after finding that entry with the service account.
 * A wrong password answers false; an unreachable directory throws
 * `DIRECTORY_UNAVAILABLE`. Successful checks are remembered for a short
 * time (an HMAC of the password under a per-process key, compared in
 * constant time), which also carries users through a short outage.
 */
export function createLdapAuthenticator(deps: LdapAuthenticatorDeps): LdapAuthenticator {
  const now = deps.now ?? Date.now;
  const byName = new Map(deps.sources.map((s) => [s.name, s]));
  const key = randomBytes(32);
  const maxCached = deps.maxCached ?? 10_000;
  const cache = new Map<string, { digest: Buffer; expires: number }>();
  const digest = (userId: string, password: string) =>
    createHmac('sha256', key).update(userId).update('\0').update(password, 'utf8').digest();

  function remembered(user: ExternalUserRef, d: Buffer): boolean {
    const hit = cache.get(user.id);
    if (!hit) return false;
    if (hit.expires <= now()) {
      cache.delete(user.id);
      return false;
    }
    return timingSafeEqual(hit.digest, d);
  }

  return {
    async verify(user, password) {
      const source = byName.get(user.source);
      if (!source) {
        deps.log.warn(
          { source: user.source },
          'sign-in of a user whose directory source is no longer configured',
        );
        return false;
      }
      // An empty password makes a simple bind unauthenticated (RFC 4513 §5.1.2): it would "succeed".
      if (password === '') return false;
      const d = digest(user.id, password);
      if (deps.cacheTtlMs > 0 && remembered(user, d)) return true;
      const ok = await withConnection(source, async (client) => {
        const dn = await findEntryDn(client, source, user);
        if (!dn) return false;
        try {
          await client.bind(dn, password);
          return true;
        } catch (err) {
          if (err instanceof InvalidCredentialsError) return false;
          throw err;
        }
      }).catch((err: unknown) => {
        deps.log.warn({ source: source.name, err: describeError(err) }, 'directory sign-in check failed');
        throw err;
      });
      if (ok && deps.cacheTtlMs > 0) {
        if (cache.size >= maxCached) cache.delete(cache.keys().next().value as string);
        cache.set(user.id, { digest: d, expires: now() + deps.cacheTtlMs });
      } else if (!ok) cache.delete(user.id);
      return ok;
    },
    forget(userId) {
      if (userId === undefined) cache.clear();
      else cache.delete(userId);
    },
  };
}
