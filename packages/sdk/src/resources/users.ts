import type { HttpClient } from '../http.js';
import { type Page, Paginator } from '../paginator.js';
import type { CreateUserInput, ListUsersParams, UpdateUserInput, User } from '../types.js';
import { path } from './path.js';

/** `client.users`: provisioning. Addresses are case-insensitive; aliases work wherever an address does. */
export class Users {
  constructor(private readonly http: HttpClient) {}

  /** Creates a user; omit `password` for users who sign in only through SSO. */
  create(input: CreateUserInput): Promise<User> {
    return this.http.json({ method: 'POST', path: '/users', body: input });
  }

  get(address: string): Promise<User> {
    return this.http.json({ method: 'GET', path: path`/users/${address}` });
  }

  /** Lists users by address, filtered by `q` (substring) and `domain`. */
  list(params: ListUsersParams = {}): Paginator<User> {
    return new Paginator((cursor) =>
      this.http.json<Page<User>>({
        method: 'GET',
        path: '/users',
        query: { ...params, cursor: cursor ?? params.cursor },
      }),
    );
  }

  /** Changes the given fields only; `password: null` removes the password. */
  update(address: string, patch: UpdateUserInput): Promise<User> {
    return this.http.json({ method: 'PATCH', path: path`/users/${address}`, body: patch });
  }

  /** Stops sign-in and delivery; the mail is kept. */
  disable(address: string): Promise<User> {
    return this.http.json({ method: 'POST', path: path`/users/${address}/disable`, idempotent: true });
  }

  enable(address: string): Promise<User> {
    return this.http.json({ method: 'POST', path: path`/users/${address}/enable`, idempotent: true });
  }

  /** Deletes the user and all their mail. */
  async delete(address: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/users/${address}` });
  }
}
