import type {
  ApiKey,
  CreateUserInput,
  Directory,
  Domain,
  Group,
  GroupTreeNode,
  ListApiKeysOptions,
  Page,
  Scope,
  User,
} from '../../directory/index.js';
import { AppError, normalizeAddress, splitAddress } from '../../shared/index.js';

/**
 * An in-memory {@link Directory} for the API's unit tests and the OpenAPI
 * generator: enough behaviour to exercise routes (not-found, conflicts,
 * paging), none of the real one's storage. Keys are `jdk_<name>`.
 */
export class FakeDirectory implements Directory {
  readonly domains = new Map<string, Domain>();
  readonly users = new Map<string, User & { password?: string }>();
  readonly groups = new Map<string, Group>();
  readonly members = new Map<string, Set<string>>();
  readonly keys = new Map<string, ApiKey>();
  private seq = 0;

  private id = () => `id${++this.seq}`.padStart(8, '0');

  addKey(token: string, scopes: Scope[], domain: string | null = null): string {
    this.keys.set(token, {
      id: this.id(),
      name: token,
      prefix: token.slice(0, 8),
      scopes,
      domain,
      createdAt: 0,
      lastUsedAt: null,
      expiresAt: null,
    });
    return token;
  }

  async createDomain(name: string) {
    const n = name.toLowerCase();
    if (this.domains.has(n)) throw new AppError('DOMAIN_EXISTS');
    const d = { id: this.id(), name: n, createdAt: 1_700_000_000_000 };
    this.domains.set(n, d);
    return d;
  }
  async getDomain(name: string) {
    const d = this.domains.get(name.toLowerCase());
    if (!d) throw new AppError('DOMAIN_NOT_FOUND');
    return d;
  }
  async listDomains(o: { visibleDomains?: ReadonlySet<string> | null; limit: number; cursor?: string }) {
    const all = [...this.domains.values()].filter((d) => !o.visibleDomains || o.visibleDomains.has(d.name));
    return pageOf(all, (d) => d.name, o.limit, o.cursor);
  }
  async deleteDomain(name: string) {
    const d = await this.getDomain(name);
    if ([...this.users.values()].some((u) => u.domain === d.name)) throw new AppError('DOMAIN_NOT_EMPTY');
    this.domains.delete(d.name);
  }
  async isLocalDomain(name: string) {
    return this.domains.has(name.toLowerCase());
  }

  async createUser(input: CreateUserInput) {
    const address = normalizeAddress(input.address);
    const domain = splitAddress(address)?.domain ?? '';
    if (!this.domains.has(domain)) throw new AppError('DOMAIN_NOT_FOUND');
    if (this.users.has(address)) throw new AppError('ADDRESS_TAKEN');
    const user = {
      id: this.id(),
      address,
      domain,
      displayName: input.displayName ?? '',
      enabled: true,
      role: input.role ?? 'user',
      adminDomains: input.adminDomains ?? [],
      quotaBytes: input.quotaBytes ?? 0,
      usedBytes: 0,
      hasPassword: input.password !== undefined,
      aliases: input.aliases ?? [],
      departments: (input.departments ?? []).map((id) => ({ id, name: this.groups.get(id)?.name ?? id })),
      source: null,
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_000,
      ...(input.password !== undefined ? { password: input.password } : {}),
    };
    this.users.set(address, user);
    return strip(user);
  }
  private find(address: string) {
    const a = normalizeAddress(address);
    const u = this.users.get(a) ?? [...this.users.values()].find((x) => x.aliases.includes(a));
    if (!u) throw new AppError('USER_NOT_FOUND');
    return u;
  }
  async getUser(address: string) {
    return strip(this.find(address));
  }
  async listUsers(o: {
    q?: string;
    domain?: string;
    role?: string;
    visibleDomains?: ReadonlySet<string> | null;
    limit: number;
    cursor?: string;
  }) {
    const all = [...this.users.values()]
      .filter((u) => !o.visibleDomains || o.visibleDomains.has(u.domain))
      .filter((u) => !o.role || u.role === o.role)
      .filter((u) => !o.domain || u.domain === o.domain)
      .filter((u) => !o.q || u.address.includes(o.q) || u.displayName.includes(o.q))
      .map(strip);
    return pageOf(all, (u) => u.address, o.limit, o.cursor);
  }
  async updateUser(address: string, patch: Parameters<Directory['updateUser']>[1]) {
    const u = this.find(address);
    const { password, ...rest } = patch;
    Object.assign(u, rest, { updatedAt: u.updatedAt + 1 });
    if (password !== undefined) {
      u.hasPassword = password !== null;
      if (password === null) delete u.password;
      else u.password = password;
    }
    return strip(u);
  }
  async deleteUser(address: string) {
    this.users.delete(this.find(address).address);
  }
  async findUserIds(addresses: string[], inDomains?: ReadonlySet<string> | null) {
    const out = new Map<string, string>();
    for (const raw of addresses) {
      const a = raw.trim().toLowerCase();
      const u = this.users.get(a) ?? [...this.users.values()].find((x) => x.aliases.includes(a));
      if (u && (!inDomains || inDomains.has(u.domain))) out.set(a, u.id);
    }
    return out;
  }

  async authenticate(address: string, password: string) {
    const u = this.users.get(normalizeAddress(address));
    return u?.enabled && u.password !== undefined && u.password === password ? strip(u) : null;
  }
  async resolveRecipient() {
    return null;
  }
  // Nothing cached here: resolveRecipient above resolves nothing.
  noteStored() {}
  noteUsageChanged() {}
  noteDirectoryChanged() {}

  async createGroup(input: Parameters<Directory['createGroup']>[0]) {
    await this.getDomain(input.domain);
    const g: Group = {
      id: this.id(),
      domain: input.domain.toLowerCase(),
      name: input.name,
      kind: input.kind ?? 'group',
      parentId: input.parentId ?? null,
      address: input.address ?? null,
      sortOrder: input.sortOrder ?? 0,
      memberCount: 0,
      source: null,
    };
    this.groups.set(g.id, g);
    this.members.set(g.id, new Set());
    return g;
  }
  async getGroup(id: string) {
    const g = this.groups.get(id);
    if (!g) throw new AppError('GROUP_NOT_FOUND');
    return { ...g, memberCount: this.members.get(id)?.size ?? 0 };
  }
  async listGroups(o: Parameters<Directory['listGroups']>[0]) {
    const all = [...this.groups.values()].filter((g) => !o.visibleDomains || o.visibleDomains.has(g.domain));
    const items = all.slice(o.offset, o.offset + o.limit);
    return { items: await Promise.all(items.map((g) => this.getGroup(g.id))), total: all.length };
  }
  async groupMemberships(userIds: readonly string[]) {
    return new Map(userIds.map((id) => [id, [] as { id: string; name: string }[]]));
  }
  async groupTree(domain: string): Promise<GroupTreeNode[]> {
    await this.getDomain(domain);
    const build = (parentId: string | null): GroupTreeNode[] =>
      [...this.groups.values()]
        .filter((g) => g.domain === domain && g.parentId === parentId)
        .map((g) => ({ ...g, children: build(g.id) }));
    return build(null);
  }
  async updateGroup(id: string, patch: Parameters<Directory['updateGroup']>[1]) {
    const g = await this.getGroup(id);
    Object.assign(this.groups.get(id) ?? {}, patch);
    return { ...g, ...patch };
  }
  async deleteGroup(id: string) {
    await this.getGroup(id);
    if ([...this.groups.values()].some((g) => g.parentId === id)) throw new AppError('GROUP_NOT_EMPTY');
    this.groups.delete(id);
  }
  async listGroupMembers(id: string) {
    await this.getGroup(id);
    return [...(this.members.get(id) ?? [])].map((a) => strip(this.find(a)));
  }
  async addGroupMembers(id: string, addresses: string[]) {
    await this.getGroup(id);
    for (const a of addresses) this.members.get(id)?.add(this.find(a).address);
  }
  async removeGroupMember(id: string, address: string) {
    await this.getGroup(id);
    this.members.get(id)?.delete(this.find(address).address);
  }

  async createApiKey(input: { name: string; scopes: string[]; domain?: string | null }) {
    const key = `jdk_${input.name}`;
    this.addKey(key, input.scopes as Scope[], input.domain ?? null);
    return { key, apiKey: this.keys.get(key) as ApiKey };
  }
  async verifyApiKey(token: string) {
    return this.keys.get(token) ?? null;
  }
  async getApiKey(id: string) {
    const key = [...this.keys.values()].find((k) => k.id === id);
    if (!key) throw new AppError('API_KEY_NOT_FOUND');
    return key;
  }
  async listApiKeys(options: ListApiKeysOptions = {}) {
    const visible = [...this.keys.values()].filter(
      (k) => !options.visibleDomains || (k.domain !== null && options.visibleDomains.has(k.domain)),
    );
    return pageOf(visible, (k) => k.id, options.limit ?? 50, options.cursor);
  }
  async revokeApiKey(id: string) {
    await this.getApiKey(id);
    for (const [k, v] of this.keys) if (v.id === id) this.keys.delete(k);
  }
  async rotateApiKey(id: string, graceSeconds = 86_400) {
    const old = await this.getApiKey(id);
    old.expiresAt = Date.now() + graceSeconds * 1000;
    const key = `${[...this.keys.entries()].find(([, v]) => v.id === id)?.[0]}-rotated${++this.seq}`;
    this.addKey(key, old.scopes, old.domain);
    return { key, apiKey: this.keys.get(key) as ApiKey };
  }
}

function strip(u: User & { password?: string }): User {
  const { password: _password, ...user } = u;
  return { ...user };
}

/** Keyset paging over a sorted key, like the real directory's opaque cursors. */
function pageOf<T>(all: T[], key: (t: T) => string, limit: number, cursor?: string): Page<T> {
  const sorted = all.sort((a, b) => key(a).localeCompare(key(b)));
  const after = cursor ? Buffer.from(cursor, 'base64url').toString() : '';
  const rest = sorted.filter((t) => key(t) > after);
  const items = rest.slice(0, limit);
  const last = items.at(-1);
  const nextCursor = rest.length > limit && last ? Buffer.from(key(last)).toString('base64url') : null;
  return { items, nextCursor };
}
