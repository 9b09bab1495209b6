import type {
  AddressBook,
  AddressBookEntry,
  DepartmentNode,
  GroupTreeNode,
  Page,
  SyncReport,
  SyncRun,
} from '../../directory/index.js';
import { type DirectorySync, emptySyncReport, type SyncRequest } from '../../ldap/index.js';
import { AppError } from '../../shared/index.js';
import type { FakeDirectory } from './fake-directory.js';

/**
 * In-memory address book over a {@link FakeDirectory}, for the API's unit
 * tests: the same filters as the real one, none of its SQL.
 */
export class FakeAddressBook implements AddressBook {
  constructor(private readonly directory: FakeDirectory) {}

  async search(o: Parameters<AddressBook['search']>[0]): Promise<Page<AddressBookEntry>> {
    const members = o.groupId ? this.directory.members.get(o.groupId) : undefined;
    const visible = (domain: string) =>
      (!o.visibleDomains || o.visibleDomains.has(domain)) && (!o.domain || o.domain === domain);
    const match = (...texts: string[]) =>
      !o.q || texts.some((t) => t.toLowerCase().includes(o.q?.toLowerCase() ?? ''));
    const users: AddressBookEntry[] = [...this.directory.users.values()]
      .filter((u) => u.enabled && visible(u.domain) && match(u.address, u.displayName))
      .filter((u) => !members || members.has(u.address))
      .map((u) => ({
        kind: 'user',
        address: u.address,
        name: u.displayName,
        domain: u.domain,
        departments: [],
        groupKind: null,
      }));
    const groups: AddressBookEntry[] = o.groupId
      ? []
      : [...this.directory.groups.values()]
          .filter((g) => g.address && visible(g.domain) && match(g.address, g.name))
          .map((g) => ({
            kind: 'group',
            address: g.address ?? '',
            name: g.name,
            domain: g.domain,
            departments: [],
            groupKind: g.kind,
          }));
    const all = [...users, ...groups].sort((a, b) => a.address.localeCompare(b.address));
    const after = o.cursor ? Buffer.from(o.cursor, 'base64url').toString() : '';
    const rest = all.filter((e) => e.address > after);
    const items = rest.slice(0, o.limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rest.length > o.limit && last ? Buffer.from(last.address).toString('base64url') : null,
    };
  }

  async departments(domain: string): Promise<DepartmentNode[]> {
    const convert = (n: GroupTreeNode): DepartmentNode => ({
      id: n.id,
      domain: n.domain,
      name: n.name,
      kind: 'department',
      parentId: n.parentId,
      address: n.address,
      sortOrder: n.sortOrder,
      memberCount: this.directory.members.get(n.id)?.size ?? 0,
      source: null,
      children: n.children.filter((c) => c.kind === 'department').map(convert),
    });
    return (await this.directory.groupTree(domain)).filter((g) => g.kind === 'department').map(convert);
  }
}

const EMPTY_REPORT: SyncReport = emptySyncReport();

/**
 * An in-memory {@link DirectorySync} with one source, `corp`: runs start as
 * `running` and stay so until the test calls {@link FakeDirectorySync.finish}.
 */
export class FakeDirectorySync implements DirectorySync {
  readonly runs = new Map<string, SyncRun>();
  readonly requests: SyncRequest[] = [];
  private seq = 0;

  sources() {
    return ['corp'];
  }

  describeSources() {
    return [
      {
        name: 'corp',
        preset: 'openldap' as const,
        url: 'ldap://ldap.example.com:389',
        domain: 'example.com',
        syncGroups: true,
        intervalMs: 0,
      },
    ];
  }

  async start(request: SyncRequest) {
    this.requests.push(request);
    const source = request.source ?? 'corp';
    if (source !== 'corp')
      throw new AppError('DIRECTORY_SOURCE_NOT_FOUND', `no directory source is named ${source}`);
    const running = [...this.runs.values()].find((r) => r.source === source && r.status === 'running');
    if (running) return { run: running, started: false };
    const run: SyncRun = {
      id: `run${String(++this.seq).padStart(4, '0')}`,
      source,
      status: 'running',
      mode: request.mode === 'incremental' ? 'incremental' : 'full',
      dryRun: request.dryRun ?? false,
      forced: request.force ?? false,
      trigger: request.trigger,
      startedAt: 1_700_000_000_000 + this.seq,
      finishedAt: null,
      progress: { phase: 'starting', done: 0, total: null },
      report: null,
      error: null,
    };
    this.runs.set(run.id, run);
    return { run, started: true };
  }

  async run(request: SyncRequest) {
    const r = await this.start(request);
    return { run: this.finish(r.run.id), started: r.started };
  }

  finish(id: string, report: Partial<SyncReport> = {}): SyncRun {
    const run = this.runs.get(id);
    if (!run) throw new Error(`no run ${id}`);
    Object.assign(run, {
      status: 'succeeded',
      finishedAt: run.startedAt + 1000,
      progress: { phase: 'done', done: 0, total: 0 },
      report: { ...EMPTY_REPORT, ...report },
    });
    return run;
  }

  async get(id: string) {
    const run = this.runs.get(id);
    if (!run) throw new AppError('SYNC_RUN_NOT_FOUND');
    return run;
  }

  async list(o: { source?: string; limit: number; cursor?: string }) {
    const all = [...this.runs.values()].filter((r) => !o.source || r.source === o.source).reverse();
    const items = all.slice(0, o.limit);
    return { items, nextCursor: null };
  }

  startSchedule() {}

  async stop() {}
}
