import type { HttpClient } from '../http.js';
import type { CreateGroupInput, Group, GroupTreeNode, UpdateGroupInput, User } from '../types.js';
import { path } from './path.js';

/** `client.groups`: departments and groups, one tree per domain. */
export class Groups {
  constructor(private readonly http: HttpClient) {}

  create(input: CreateGroupInput): Promise<Group> {
    return this.http.json({ method: 'POST', path: '/groups', body: input });
  }

  /** The domain's top-level groups, each with its `children`. */
  async tree(domain: string): Promise<GroupTreeNode[]> {
    const res = await this.http.json<{ items: GroupTreeNode[] }>({
      method: 'GET',
      path: path`/domains/${domain}/groups`,
    });
    return res.items;
  }

  get(id: string): Promise<Group> {
    return this.http.json({ method: 'GET', path: path`/groups/${id}` });
  }

  /** Renames or moves a group (`parentId: null` moves it to the top level). */
  update(id: string, patch: UpdateGroupInput): Promise<Group> {
    return this.http.json({ method: 'PATCH', path: path`/groups/${id}`, body: patch });
  }

  /** Deletes a group without subgroups (else a ConflictError `GROUP_NOT_EMPTY`). */
  async delete(id: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/groups/${id}` });
  }

  /** The group's direct members. */
  async members(id: string): Promise<User[]> {
    const res = await this.http.json<{ items: User[] }>({ method: 'GET', path: path`/groups/${id}/members` });
    return res.items;
  }

  /** Adds users; adding a member twice is not an error. */
  async addMembers(id: string, addresses: string[]): Promise<void> {
    await this.http.json({
      method: 'POST',
      path: path`/groups/${id}/members`,
      body: { addresses },
      idempotent: true,
    });
  }

  async removeMember(id: string, address: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/groups/${id}/members/${address}` });
  }
}
