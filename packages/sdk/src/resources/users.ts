import type { HttpClient } from '../http.js';
import { type Page, Paginator } from '../paginator.js';
import type { CreateUserInput, ListUsersParams, UpdateUserInput, User } from '../types.js';
import { path } from './path.js';

/** `client.users`: provisioning. Addresses are case-insensitive; aliases work wherever an address does. */
export class Users {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * Creates a user; omit `password` for users who sign in only through SSO.
   *
   * @example
   * await jd.users.create({ address: 'alice@example.com', displayName: 'Alice', password: 'change-me-now' });
   */
  create(input: CreateUserInput): Promise<User> {
    return this.http.json({ method: 'POST', path: '/users', body: input });
  }

  /**
   * One user, by address or alias (the canonical user is returned).
   *
   * @example
   * const { displayName, quotaBytes, usedBytes } = await jd.users.get('alice@example.com');
   */
  get(address: string): Promise<User> {
    return this.http.json({ method: 'GET', path: path`/users/${address}` });
  }

  /**
   * Lists users by address, filtered by `q` (substring) and `domain`.
   *
   * @example
   * for await (const u of jd.users.list({ domain: 'example.com', q: 'wang' })) console.log(u.address);
   */
  list(params: ListUsersParams = {}): Paginator<User> {
    return new Paginator((cursor) =>
      this.http.json<Page<User>>({
        method: 'GET',
        path: '/users',
        query: { ...params, cursor: cursor ?? params.cursor },
      }),
    );
  }

  /**
   * Changes the given fields only; `password: null` removes the password.
   *
   * @example
   * await jd.users.update('alice@example.com', { displayName: 'Alice Wang', quotaBytes: 10 * 2 ** 30 });
   */
  update(address: string, patch: UpdateUserInput): Promise<User> {
    return this.http.json({ method: 'PATCH', path: path`/users/${address}`, body: patch });
  }

  /**
   * Stops sign-in and delivery; the mail is kept.
   *
   * @example
   * await jd.users.disable('bob@example.com'); // he left: sign-in and delivery stop, mail is kept
   */
  disable(address: string): Promise<User> {
    return this.http.json({ method: 'POST', path: path`/users/${address}/disable`, idempotent: true });
  }

  /**
   * Lets a disabled user sign in and receive mail again.
   *
   * @example
   * await jd.users.enable('bob@example.com');
   */
  enable(address: string): Promise<User> {
    return this.http.json({ method: 'POST', path: path`/users/${address}/enable`, idempotent: true });
  }

  /**
   * Deletes the user and all their mail.
   *
   * @example
   * await jd.users.delete('bob@example.com');
   */
  async delete(address: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: path`/users/${address}` });
  }
}
