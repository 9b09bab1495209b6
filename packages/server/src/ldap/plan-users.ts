import {
  type AddressOwner,
  canonicalAddress,
  type SourceUser,
  type SyncUserCreate,
  type SyncUserUpdate,
} from '../directory/index.js';
import type { DirectoryUser } from './entry.js';
import type { PlanContext, UserEventType } from './plan-types.js';

/** What the users part of a plan decides, before departments and groups are added. */
export interface UsersPlan {
  creates: SyncUserCreate[];
  updates: SyncUserUpdate[];
  /** Aliases to drop before anything else moves (so an address can pass to another user in one run). */
  releases: { userId: string; keep: string[] }[];
  /** Every user present in the directory this run (created or matched): jdmail id → entry. */
  kept: Map<string, DirectoryUser>;
  /** Users whose changed fields the report and events name (department is added later). */
  changes: Map<string, string[]>;
  events: Map<string, UserEventType>;
  /** Addresses claimed this run → the DN that claimed them (users first, then groups). */
  claimed: Map<string, string>;
  disableCount: number;
  /** Users of the source enabled before this run: the base of the safety stop. */
  syncedUsers: number;
}

/** Why an address cannot be given to an entry, in words for the report. */
function ownerReason(owner: AddressOwner, source: string): string {
  if (owner.kind === 'group')
    return owner.source
      ? `it is the address of a group synced from ${owner.source}`
      : 'it is the address of a group';
  const what = owner.kind === 'alias' ? 'an alias of' : 'the address of';
  if (owner.source === null) return `it is ${what} a local user`;
  if (owner.source === source) return `it is ${what} another entry of this directory`;
  return `it is ${what} a user synced from ${owner.source}`;
}

interface Normalized {
  entry: DirectoryUser;
  address: string;
  domain: string;
  aliases: string[];
}

/** Canonical, local addresses of an entry; a reason when its primary one is unusable. */
function normalize(entry: DirectoryUser, ctx: PlanContext): Normalized | string {
  if (!entry.address) return 'the entry has no mail address';
  const primary = canonicalAddress(entry.address);
  if (!primary) return `"${entry.address}" is not a valid mail address`;
  if (!ctx.localDomains.has(primary.domain)) return `domain ${primary.domain} is not served here`;
  const aliases = new Set<string>();
  for (const raw of entry.aliases) {
    const a = canonicalAddress(raw);
    // Addresses in other domains (common in AD proxyAddresses) simply do not apply here.
    if (a && a.address !== primary.address && ctx.localDomains.has(a.domain)) aliases.add(a.address);
  }
  return { entry, address: primary.address, domain: primary.domain, aliases: [...aliases].sort() };
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Decides, per directory entry, create / update / disable / enable, and in a
 * full run disables users the directory no longer has. Conflicts (an address
 * held by someone else) are reported, never taken. Grace: a user missing or
 * disabled in the directory is disabled once `disableGraceMs` has passed
 * since it was first noticed.
 */
export function planUsers(ctx: PlanContext, entries: DirectoryUser[]): UsersPlan {
  const { report, source, now } = ctx;
  const full = ctx.mode === 'full';
  const plan: UsersPlan = {
    creates: [],
    updates: [],
    releases: [],
    kept: new Map(),
    changes: new Map(),
    events: new Map(),
    claimed: new Map(),
    disableCount: 0,
    syncedUsers: ctx.current.filter((u) => u.enabled).length,
  };
  const byExt = new Map(ctx.current.map((u) => [u.externalId, u]));
  const byId = new Map(ctx.current.map((u) => [u.id, u]));
  const present = new Set(entries.map((e) => e.externalId));

  const usable: Normalized[] = [];
  for (const entry of [...entries].sort((a, b) => (a.dn < b.dn ? -1 : a.dn > b.dn ? 1 : 0))) {
    const n = normalize(entry, ctx);
    if (typeof n === 'string') report.skipped({ dn: entry.dn, reason: n });
    else usable.push(n);
  }

  // Match entries to users: by external id; in a full run, an entry re-created in the directory
  // (new id, same address) takes over the user that held the address if its own entry is gone.
  const matched = new Map<Normalized, SourceUser>();
  const adopted = new Set<string>();
  for (const n of usable) {
    let user = byExt.get(n.entry.externalId);
    if (!user && full) {
      const owner = ctx.owners.get(n.address);
      const holder =
        owner?.kind === 'user' && owner.source === source.name ? byId.get(owner.userId ?? '') : undefined;
      if (holder && !present.has(holder.externalId) && !adopted.has(holder.id)) {
        user = holder;
        adopted.add(holder.id);
      }
    }
    if (user) matched.set(n, user);
  }

  // Addresses matched users give up this run may pass to another entry of the same source.
  const released = new Set<string>();
  for (const [n, user] of matched) {
    const wanted = new Set([n.address, ...n.aliases]);
    for (const a of [user.address, ...user.aliases]) if (!wanted.has(a)) released.add(a);
  }

  const mayHold = (address: string, user: SourceUser | undefined): string | null => {
    const claimedBy = plan.claimed.get(address);
    if (claimedBy !== undefined) return `it is also the address of ${claimedBy} in this directory`;
    const owner = ctx.owners.get(address);
    if (!owner || (user && owner.userId === user.id)) return null;
    if (owner.source === source.name && owner.kind !== 'group' && released.has(address)) return null;
    return ownerReason(owner, source.name);
  };

  for (const n of usable) {
    const user = matched.get(n);
    const dn = n.entry.dn;
    if (!user && n.entry.disabled) {
      report.skipped({ dn, reason: 'disabled in the directory' });
      continue;
    }
    let address = n.address;
    const problem = mayHold(address, user);
    if (problem) {
      report.conflict({ address, dn, reason: problem });
      if (!user) continue;
      address = user.address; // keep the address it has
    }
    plan.claimed.set(address, dn);
    const aliases: string[] = [];
    for (const a of n.aliases) {
      const why = mayHold(a, user);
      if (why) report.conflict({ address: a, dn, reason: why });
      else {
        aliases.push(a);
        plan.claimed.set(a, dn);
      }
    }
    if (!user) {
      const id = ctx.newId();
      const domain = address.slice(address.lastIndexOf('@') + 1);
      plan.creates.push({
        id,
        address,
        domain,
        displayName: n.entry.displayName,
        externalId: n.entry.externalId,
        dn,
        aliases,
      });
      plan.kept.set(id, n.entry);
      plan.events.set(id, 'user.created');
      report.user('create', { address, dn, displayName: n.entry.displayName });
      continue;
    }
    plan.kept.set(user.id, n.entry);
    const update: SyncUserUpdate = { id: user.id };
    const changes: string[] = [];
    if (address !== user.address) {
      update.address = address;
      update.domain = address.slice(address.lastIndexOf('@') + 1);
      changes.push('address');
    }
    if (n.entry.displayName !== user.displayName) {
      update.displayName = n.entry.displayName;
      changes.push('displayName');
    }
    if (!sameList(aliases, [...user.aliases].sort())) {
      update.aliases = aliases;
      changes.push('aliases');
      plan.releases.push({ userId: user.id, keep: aliases.filter((a) => user.aliases.includes(a)) });
    }
    if (n.entry.externalId !== user.externalId) {
      update.externalId = n.entry.externalId;
      changes.push('externalId');
    }
    if (dn !== user.dn) {
      update.dn = dn;
      changes.push('dn');
    }
    if (changes.length) plan.changes.set(user.id, changes);
    if (n.entry.disabled) {
      if (user.enabled) disableOrWait(user, 'disabled in the directory', update);
    } else if (!user.enabled && user.syncDisabled) {
      Object.assign(update, { enabled: true, syncDisabled: false, missingSince: null });
      plan.events.set(user.id, 'user.enabled');
      report.user('enable', { address, dn });
    } else if (user.missingSince !== null) update.missingSince = null;
    if (Object.keys(update).length > 1) plan.updates.push(update);
  }

  function disableOrWait(user: SourceUser, reason: string, update: SyncUserUpdate) {
    const since = user.missingSince ?? now;
    if (now - since >= source.disableGraceMs) {
      Object.assign(update, { enabled: false, syncDisabled: true, missingSince: since });
      plan.events.set(user.id, 'user.disabled');
      plan.disableCount += 1;
      report.user('disable', { address: user.address, dn: user.dn, reason });
    } else {
      if (user.missingSince === null) update.missingSince = since;
      report.user('pendingDisable', {
        address: user.address,
        dn: user.dn,
        reason,
        disableAt: since + source.disableGraceMs,
      });
    }
  }

  if (full) {
    for (const user of ctx.current) {
      if (plan.kept.has(user.id) || !user.enabled) continue;
      const update: SyncUserUpdate = { id: user.id };
      disableOrWait(user, 'removed from the directory', update);
      if (Object.keys(update).length > 1) plan.updates.push(update);
    }
  }
  // Address changes first: an address one user gives up may be another's new alias in the same batch.
  plan.updates.sort((a, b) => Number(b.address !== undefined) - Number(a.address !== undefined));
  return plan;
}
