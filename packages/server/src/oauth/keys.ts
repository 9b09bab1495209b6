import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { DB, SigningKeysTable } from '../store/index.js';
import type { Logger } from '../telemetry/index.js';
import type { PublicJwk, SigningKeyInfo } from './types.js';

export type SigningAlgorithm = 'EdDSA' | 'ES256';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['EdDSA', 'ES256'];

/** The longest token lifetime the config allows (`oauth.tokenLifetimeSeconds`). */
export const MAX_TOKEN_LIFETIME_MS = 3_600_000;
/** Every node re-reads the key set this often (and at once when a token names a key it does not know). */
export const KEY_REFRESH_MS = 60_000;
/** Tolerated clock difference between the nodes that sign and those that verify. */
export const CLOCK_SKEW_MS = 60_000;
/**
 * How long a key verifies after a newer one took over. A node may go on
 * signing with it until it next re-reads the keys, and the tokens it signs
 * live up to the longest lifetime; after that every one of them has expired.
 */
export const RETIRE_AFTER_MS = KEY_REFRESH_MS + MAX_TOKEN_LIFETIME_MS + CLOCK_SKEW_MS;
/** An unknown `kid` re-reads the keys at most this often, so forged kids cannot hammer the database. */
const MISS_RELOAD_MS = 5_000;

type CryptoKeyLike = Awaited<ReturnType<typeof importJWK>>;

interface LoadedKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: PublicJwk;
  publicKey: CryptoKeyLike;
  createdAt: number;
  supersededAt: number | null;
  retireAt: number | null;
}

export interface Signer {
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKeyLike;
}

export interface KeyRingDeps {
  db: Kysely<DB>;
  /** Algorithm of new keys; a signing key of another algorithm is replaced at start. */
  algorithm: SigningAlgorithm;
  /** Age at which the signing key is replaced by `maintain()`; 0 = never automatically. */
  rotationMs: number;
  now: () => number;
  log: Logger;
}

/** The keys app tokens are signed and verified with. */
export interface KeyRing {
  /** Loads the keys and makes a signing key when there is none (or only one of another algorithm). */
  ensure(): Promise<void>;
  /** Makes a new signing key; the others keep verifying until {@link RETIRE_AFTER_MS} has passed. */
  rotate(): Promise<SigningKeyInfo>;
  /** Re-reads the keys, deletes retired ones, rotates when the signing key is due. */
  maintain(): Promise<void>;
  /** The key to sign with now. */
  signer(): Promise<Signer>;
  /** The public key for `kid` when it may still verify; undefined for unknown and retired keys. */
  verificationKey(kid: string): Promise<CryptoKeyLike | undefined>;
  /** Public keys that may still verify: the JWKS (RFC 7517 §5). */
  jwks(): Promise<{ keys: PublicJwk[] }>;
  /** Every stored key, newest first, without key material. */
  list(): Promise<SigningKeyInfo[]>;
}

const isAlgorithm = (s: string): s is SigningAlgorithm => (SIGNING_ALGORITHMS as string[]).includes(s);

/** Newest first; among keys made in the same millisecond, the larger kid. Every node picks the same. */
const newestFirst = (a: { createdAt: number; kid: string }, b: { createdAt: number; kid: string }) =>
  b.createdAt - a.createdAt || (a.kid < b.kid ? 1 : -1);

/**
 * Signing keys in the metadata database, shared by every node. The newest
 * key that has not been superseded signs; superseded keys stay in the JWKS
 * and verify until every token they may have signed has expired, then they
 * are deleted, private key and all. So a rotation never invalidates a token
 * in flight, and a retired key verifies nothing.
 */
export function createKeyRing(deps: KeyRingDeps): KeyRing {
  const { db, now } = deps;
  let keys: LoadedKey[] = [];
  let loadedAt = Number.NEGATIVE_INFINITY;
  let signer: (Signer & { createdAt: number }) | undefined;
  const imported = new Map<string, CryptoKeyLike>();

  const live = (k: { retireAt: number | null }, t = now()) => k.retireAt === null || k.retireAt > t;

  async function load(): Promise<void> {
    const t = now();
    const rows = await db
      .selectFrom('signing_keys')
      .select(['kid', 'alg', 'public_jwk', 'created_at', 'superseded_at', 'retire_at'])
      .where((eb) => eb.or([eb('retire_at', 'is', null), eb('retire_at', '>', t)]))
      .execute();
    const next: LoadedKey[] = [];
    for (const r of rows) {
      if (!isAlgorithm(r.alg)) continue;
      const publicJwk = { ...(JSON.parse(r.public_jwk) as JWK), kid: r.kid, use: 'sig', alg: r.alg };
      let publicKey = imported.get(r.kid);
      if (!publicKey) {
        publicKey = await importJWK(publicJwk, r.alg);
        imported.set(r.kid, publicKey);
      }
      next.push({
        kid: r.kid,
        alg: r.alg,
        publicJwk: publicJwk as PublicJwk,
        publicKey,
        createdAt: Number(r.created_at),
        supersededAt: r.superseded_at === null ? null : Number(r.superseded_at),
        retireAt: r.retire_at === null ? null : Number(r.retire_at),
      });
    }
    next.sort(newestFirst);
    for (const kid of imported.keys()) if (!next.some((k) => k.kid === kid)) imported.delete(kid);
    keys = next;
    loadedAt = t;
    await loadSigner();
  }

  /** Imports the private key of the signing key when it changed; only that one private key is held. */
  async function loadSigner(): Promise<void> {
    const current = keys.find((k) => k.supersededAt === null);
    if (!current) {
      signer = undefined;
      return;
    }
    if (signer?.kid === current.kid) return;
    const row = await db
      .selectFrom('signing_keys')
      .select('private_jwk')
      .where('kid', '=', current.kid)
      .executeTakeFirst();
    if (!row) return;
    const key = await importJWK(JSON.parse(row.private_jwk) as JWK, current.alg);
    signer = { kid: current.kid, alg: current.alg, key, createdAt: current.createdAt };
  }

  async function loadIfStale(): Promise<void> {
    if (now() - loadedAt >= KEY_REFRESH_MS) await load();
  }

  async function purge(): Promise<void> {
    await db.deleteFrom('signing_keys').where('retire_at', '<=', now()).execute();
  }

  async function rotate(): Promise<SigningKeyInfo> {
    const alg = deps.algorithm;
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    const t = now();
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('signing_keys')
        .values({
          kid,
          alg,
          private_jwk: JSON.stringify(await exportJWK(privateKey)),
          public_jwk: JSON.stringify(publicJwk),
          created_at: t,
          superseded_at: null,
          retire_at: null,
        } satisfies SigningKeysTable)
        .execute();
      await trx
        .updateTable('signing_keys')
        .set({ superseded_at: t, retire_at: t + RETIRE_AFTER_MS })
        .where('superseded_at', 'is', null)
        .where('kid', '!=', kid)
        .execute();
    });
    deps.log.info({ kid, alg }, 'new app-token signing key');
    await purge();
    await load();
    return { kid, alg, createdAt: t, signing: true, retireAt: null };
  }

  return {
    async ensure() {
      await load();
      if (signer?.alg !== deps.algorithm) await rotate();
    },
    rotate,
    async maintain() {
      await purge();
      await load();
      const due = deps.rotationMs > 0 && signer !== undefined && signer.createdAt + deps.rotationMs <= now();
      if (!signer || due) await rotate();
    },
    async signer() {
      await loadIfStale();
      if (!signer) await rotate();
      if (!signer) throw new Error('no signing key could be made');
      return { kid: signer.kid, alg: signer.alg, key: signer.key };
    },
    async verificationKey(kid) {
      await loadIfStale();
      let key = keys.find((k) => k.kid === kid);
      // A key made moments ago by another node (or `jdmail keys rotate`): look again, but not too often.
      if (!key && now() - loadedAt >= MISS_RELOAD_MS) {
        await load();
        key = keys.find((k) => k.kid === kid);
      }
      return key && live(key) ? key.publicKey : undefined;
    },
    async jwks() {
      await loadIfStale();
      const t = now();
      return { keys: keys.filter((k) => live(k, t)).map((k) => k.publicJwk) };
    },
    async list() {
      const rows = await db
        .selectFrom('signing_keys')
        .select(['kid', 'alg', 'created_at', 'superseded_at', 'retire_at'])
        .execute();
      const infos = rows
        .map((r) => ({
          kid: r.kid,
          alg: r.alg,
          createdAt: Number(r.created_at),
          signing: false,
          superseded: r.superseded_at !== null,
          retireAt: r.retire_at === null ? null : Number(r.retire_at),
        }))
        .sort(newestFirst);
      const current = infos.find((k) => !k.superseded);
      return infos.map(({ superseded: _, ...k }) => ({ ...k, signing: k.kid === current?.kid }));
    },
  };
}
