import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import { AppError, newId, normalizeDomain } from '../shared/index.js';
import type { DB } from '../store/index.js';

const generateRsa = promisify(generateKeyPair);

/** A domain's DKIM key as the API shows it: never the private half. */
export interface DkimKeyInfo {
  domain: string;
  selector: string;
  algorithm: 'rsa-sha256';
  /** Base64 SPKI DER: the `p=` tag of the DNS record (RFC 6376 §3.6.1). */
  publicKey: string;
  active: boolean;
  createdAt: number;
}

/** The key the signer uses. Held in memory only; never logged. */
export interface SigningKey {
  selector: string;
  algorithm: 'rsa-sha256';
  privateKey: string;
}

export interface DkimKeys {
  /** Makes a new key for `domain` and makes it the active one (a rotation when there was one). */
  rotate(domain: string): Promise<DkimKeyInfo>;
  /** The active key, made first if the domain has none. */
  ensure(domain: string): Promise<DkimKeyInfo>;
  /** The active key, or null. DOMAIN_NOT_FOUND for an unknown domain. */
  active(domain: string): Promise<DkimKeyInfo | null>;
  /** The active key's private half for signing, or null (unknown domain, or no key). */
  signingKey(domain: string): Promise<SigningKey | null>;
}

export interface DkimKeysDeps {
  db: Kysely<DB>;
  /** RSA modulus size (`mailAuth.dkimKeyBits`). */
  bits: number;
  now?: () => number;
}

/** `jdmail<yyyymm>`, then `jdmail<yyyymm>b`, `c` … when the month's is taken (rotation twice in a month). */
function selectorFor(now: number, taken: ReadonlySet<string>): string {
  const d = new Date(now);
  const base = `jdmail${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  if (!taken.has(base)) return base;
  for (const letter of 'bcdefghijklmnopqrstuvwxyz') if (!taken.has(base + letter)) return base + letter;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** Keys per domain in the `dkim_keys` table (migration 0009). */
export function createDkimKeys(deps: DkimKeysDeps): DkimKeys {
  const { db } = deps;
  const now = deps.now ?? Date.now;

  async function domainId(name: string): Promise<{ id: string; name: string }> {
    const domain = normalizeDomain(name);
    const row = await db
      .selectFrom('domains')
      .select(['id', 'name'])
      .where('name', '=', domain)
      .executeTakeFirst();
    if (!row) throw new AppError('DOMAIN_NOT_FOUND', `domain ${domain} does not exist`);
    return row;
  }

  async function activeRow(domain: string) {
    return db
      .selectFrom('dkim_keys')
      .innerJoin('domains', 'domains.id', 'dkim_keys.domain_id')
      .select([
        'domains.name as domain',
        'dkim_keys.selector',
        'dkim_keys.algorithm',
        'dkim_keys.public_key',
        'dkim_keys.private_key',
        'dkim_keys.created_at',
      ])
      .where('domains.name', '=', normalizeDomain(domain))
      .where('dkim_keys.active', '=', 1)
      .executeTakeFirst();
  }

  const info = (r: {
    domain: string;
    selector: string;
    public_key: string;
    created_at: number;
  }): DkimKeyInfo => ({
    domain: r.domain,
    selector: r.selector,
    algorithm: 'rsa-sha256',
    publicKey: r.public_key,
    active: true,
    createdAt: Number(r.created_at),
  });

  async function rotate(name: string): Promise<DkimKeyInfo> {
    const domain = await domainId(name);
    const { publicKey, privateKey } = await generateRsa('rsa', {
      modulusLength: deps.bits,
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const at = now();
    const row = await db.transaction().execute(async (trx) => {
      // Rotations of one domain take turns: a no-op write locks the domain's row (PostgreSQL; SQLite
      // has one writer anyway), so two at once never pick the same free selector (a unique violation).
      await trx.updateTable('domains').set({ name: domain.name }).where('id', '=', domain.id).execute();
      const taken = await trx
        .selectFrom('dkim_keys')
        .select('selector')
        .where('domain_id', '=', domain.id)
        .execute();
      const selector = selectorFor(at, new Set(taken.map((t) => t.selector)));
      await trx.updateTable('dkim_keys').set({ active: 0 }).where('domain_id', '=', domain.id).execute();
      const values = {
        id: newId(),
        domain_id: domain.id,
        selector,
        algorithm: 'rsa-sha256',
        private_key: privateKey,
        public_key: publicKey.toString('base64'),
        active: 1,
        created_at: at,
      };
      await trx.insertInto('dkim_keys').values(values).execute();
      return values;
    });
    return info({ domain: domain.name, ...row });
  }

  return {
    rotate,
    async ensure(name) {
      const row = await activeRow(name);
      return row ? info(row) : rotate(name);
    },
    async active(name) {
      const row = await activeRow(name);
      if (row) return info(row);
      await domainId(name);
      return null;
    },
    async signingKey(name) {
      const row = await activeRow(name);
      return row ? { selector: row.selector, algorithm: 'rsa-sha256', privateKey: row.private_key } : null;
    },
  };
}
