import type { HttpClient } from '../http.js';
import type { CreateGroupInput, Group, GroupTreeNode, UpdateGroupInput, User } from '../types.js';
import { path } from './path.js';

/** `client.groups`: departments and groups, one tree per domain. */
export class Groups {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * Creates a department (part of the org chart, at most one per user) or a group (a mailing list); `parentId` nests it.
   *
   * @example
   * const sales = await jd.groups.create({ domain: 'example.com', name: 'Sales', kind: 'department' });
   * await jd.groups.create({ domain: 'example.com', name: 'Sales East', kind: 'department', parentId: sales.id });
   */
  create(input: CreateGroupInput): Promise<Group> {
    return this.http.json({ method: 'POST', path: '/groups', body: input });
  }

  /**
   * The domain's top-level groups, each with its `children`.
   *
   * @example
   * const roots = await jd.groups.tree('example.com');
   * const walk = (n, depth = 0) => { console.log(' '.repeat(depth * 2) + n.name); n.children.forEach((c) => walk(c, depth + 1)); };
   * roots.forEach((n) => walk(n));
   */
  async tree(domain: string): Promise<GroupTreeNode[]> {
    const res = await this.http.json<{ items: GroupTreeNode[] }>({
      method: 'GET',
      path: path`/domains/${domain}/groups`,
    });
    return res.items;
  }

  /**
   * One group or department, by id.
   *
   * @example
   * const { name, address, memberCount } = await jd.groups.get(id);
   */
  get(id: string): Promise<Group> {
    return this.http.json({ method: 'GET', path: path`/groups/${id}` });
  }

  /**
   * Renames or moves a group (`parentId: null` moves it to the top level).
   *
   * @example
   * await jd.groups.update(id, { name: 'Sales (East)', parentId: null });
   */
  update(id: string, patch: UpdateGroupInput): Promise<Group> {
    return this.http.json({ method: 'PATCH', path: path`/groups/${id}`, body: patch });
  }

  /**
   * Deletes a group without subgroups (else a ConflictError `GROUP_NOT_EMPTY`).
   *
   * @example
   * await jd.groups.delete(id);
   */
  async delete(id: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/groups/${id}` });
  }

  /**
   * The group's direct members.
   *
   * @example
   * const members = await jd.groups.members(id);
   * console.log(members.map((u) => u.address));
   */
  async members(id: string): Promise<User[]> {
    const res = await this.http.json<{ items: User[] }>({ method: 'GET', path: path`/groups/${id}/members` });
    return res.items;
  }

  /**
   * Adds users; adding a member twice is not an error.
   *
   * @example
   * await jd.groups.addMembers(id, ['alice@example.com', 'bob@example.com']);
   */
  async addMembers(id: string, addresses: string[]): Promise<void> {
    await this.http.json({
      method: 'POST',
      path: path`/groups/${id}/members`,
      body: { addresses },
      idempotent: true,
    });
  }

  /**
   * Removes a user from the group (the user is not deleted).
   *
   * @example
   * await jd.groups.removeMember(id, 'bob@example.com');
   */
  async removeMember(id: string, address: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/groups/${id}/members/${address}` });
  }
}
