import type { HttpClient } from '../http.js';
import { type Page, Paginator } from '../paginator.js';
import type {
  AddressBookEntry,
  AddressBookParams,
  DepartmentTree,
  DirectorySource,
  DirectorySyncRequest,
  DirectorySyncRun,
  ListDirectorySyncsParams,
} from '../types.js';
import { path } from './path.js';

export interface WaitOptions {
  /** Pause between polls. Default 1000 ms. */
  intervalMs?: number;
  /** Give up (throw) after this long. Default 10 minutes. */
  timeoutMs?: number;
}

/**
 * `client.directory`: LDAP / Active Directory sync jobs, the global address
 * book and the department tree.
 *
 * ```ts
 * const run = await jd.directory.startSync({ dryRun: true });
 * const done = await jd.directory.waitForSync(run.id);
 * console.log(done.report?.counts);
 * ```
 */
export class Directory {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * Starts a sync of a directory source as a job, or returns the run already
   * going for that source. Retrying is safe: a repeat finds the same run.
   *
   * @example
   * const run = await jd.directory.startSync({ dryRun: true });
   */
  startSync(input: DirectorySyncRequest = {}): Promise<DirectorySyncRun> {
    return this.http.json({ method: 'POST', path: '/directory/sync', body: input, idempotent: true });
  }

  /**
   * A run: status and progress while it runs, the report once done.
   *
   * @example
   * const { status, progress } = await jd.directory.getSync(run.id);
   */
  getSync(id: string): Promise<DirectorySyncRun> {
    return this.http.json({ method: 'GET', path: path`/directory/sync/${id}` });
  }

  /**
   * Past and running runs, newest first.
   *
   * @example
   * const recent = await jd.directory.listSyncs({ limit: 10 });
   */
  listSyncs(params: ListDirectorySyncsParams = {}): Paginator<DirectorySyncRun> {
    return new Paginator((cursor) =>
      this.http.json<Page<DirectorySyncRun>>({
        method: 'GET',
        path: '/directory/sync',
        query: { ...params, cursor: cursor ?? params.cursor },
      }),
    );
  }

  /**
   * The configured LDAP / Active Directory sources (never their credentials), each with its newest run.
   *
   * @example
   * for (const s of await jd.directory.listSources()) console.log(s.name, s.lastRun?.status);
   */
  async listSources(): Promise<DirectorySource[]> {
    const { items } = await this.http.json<{ items: DirectorySource[] }>({
      method: 'GET',
      path: '/directory/sources',
    });
    return items;
  }

  /**
   * Polls a run until it is no longer `running` and returns it (succeeded, failed or safety_stop).
   *
   * @example
   * const done = await jd.directory.waitForSync(run.id, { timeoutMs: 60_000 });
   * if (done.status === 'safety_stop') console.warn(done.error);
   */
  async waitForSync(id: string, options: WaitOptions = {}): Promise<DirectorySyncRun> {
    const interval = options.intervalMs ?? 1000;
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    for (;;) {
      const run = await this.getSync(id);
      if (run.status !== 'running') return run;
      if (Date.now() + interval > deadline) throw new Error(`sync run ${id} still running after the timeout`);
      await this.http.sleep(interval);
    }
  }

  /**
   * The global address book (users and groups with an address), by address; `q` searches.
   *
   * @example
   * const page = await jd.directory.addressBook({ q: 'wang', domain: 'example.com', limit: 10 });
   */
  addressBook(params: AddressBookParams = {}): Paginator<AddressBookEntry> {
    return new Paginator((cursor) =>
      this.http.json<Page<AddressBookEntry>>({
        method: 'GET',
        path: '/directory/address-book',
        query: { ...params, cursor: cursor ?? params.cursor },
      }),
    );
  }

  /**
   * A domain's departments as a tree (default: the caller's own domain).
   *
   * @example
   * const { items } = await jd.directory.departments('example.com');
   */
  departments(domain?: string): Promise<DepartmentTree> {
    return this.http.json({ method: 'GET', path: '/directory/departments', query: { domain } });
  }
}
