import type { HttpClient } from '../http.js';
import { type Page, Paginator } from '../paginator.js';
import type {
  BatchCreateUsersResult,
  CreateUserInput,
  ListUsersParams,
  UpdateUserInput,
  User,
} from '../types.js';

/** Rows per `POST /users:batch`, the server's most. */
const BATCH_SIZE = 1000;

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
   * Lists users by address, filtered by `q` (substring), `domain` and `role`.
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
   * Creates many users, each on its own: one result per input, in order —
   * `created`, `exists` (with `skipExisting`: the address is already a user,
   * left unchanged), or `failed` with the error `create` would have thrown
   * (`code`, `detail`, the fields). One bad row fails only itself. Any number
   * of users is sent 1,000 per request, one request at a time. A user with a
   * password costs the server about 0.1 s of CPU for its hash; without one
   * (SSO or directory users) far less.
   *
   * @example
   * const { created, failed, results } = await jd.users.createMany(
   *   employees.map((e) => ({ address: e.email, displayName: e.name, departments: [deptIds[e.dept]] })),
   *   { skipExisting: true },
   * );
   * for (const r of results) if (r.status === 'failed') console.warn(r.address, r.error?.code, r.error?.detail);
   */
  async createMany(
    inputs: CreateUserInput[],
    options: { skipExisting?: boolean } = {},
  ): Promise<BatchCreateUsersResult> {
    const out: BatchCreateUsersResult = { created: 0, exists: 0, failed: 0, results: [] };
    for (let start = 0; start < inputs.length; start += BATCH_SIZE) {
      const page = await this.http.json<BatchCreateUsersResult>({
        method: 'POST',
        path: '/users:batch',
        body: { users: inputs.slice(start, start + BATCH_SIZE), ...options },
      });
      out.created += page.created;
      out.exists += page.exists;
      out.failed += page.failed;
      for (const r of page.results) out.results.push({ ...r, index: r.index + start });
    }
    return out;
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
