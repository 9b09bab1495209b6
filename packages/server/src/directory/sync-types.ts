import type { GroupKind, NewEvent, SyncRunStatus } from '../store/index.js';
import type { Page } from './types.js';

/**
 * The directory backend interface: what an external directory (LDAP, AD …)
 * reads from and writes to jdmail's directory when it syncs, and the record
 * of its runs. The `ldap` module is one backend; it never touches the
 * database itself.
 */

export type { SyncRunStatus };
export type SyncMode = 'full' | 'incremental';
export type SyncTrigger = 'api' | 'cli' | 'schedule';

/** A user of one source, as jdmail holds them. */
export interface SourceUser {
  id: string;
  address: string;
  domain: string;
  externalId: string;
  dn: string | null;
  displayName: string;
  enabled: boolean;
  /** Disabled by the sync (re-enabled when they return); a manual disable is not. */
  syncDisabled: boolean;
  /** When the directory first stopped offering them as an enabled user. */
  missingSince: number | null;
  aliases: string[];
}

/** A group or department of one source, with its members that belong to the same source. */
export interface SourceGroup {
  id: string;
  externalId: string;
  kind: GroupKind;
  name: string;
  parentId: string | null;
  address: string | null;
  memberIds: string[];
}

/** Who holds an address now. */
export interface AddressOwner {
  kind: 'user' | 'alias' | 'group';
  /** The user for `user` and `alias`. */
  userId: string | null;
  /** The holder's source; null for local users and groups. */
  source: string | null;
}

export interface SyncUserCreate {
  id: string;
  address: string;
  domain: string;
  displayName: string;
  externalId: string;
  dn: string;
  aliases: string[];
}

/** Only the given fields change. */
export interface SyncUserUpdate {
  id: string;
  address?: string;
  domain?: string;
  displayName?: string;
  externalId?: string;
  dn?: string;
  aliases?: string[];
  enabled?: boolean;
  syncDisabled?: boolean;
  missingSince?: number | null;
}

export interface SyncGroupCreate {
  id: string;
  domain: string;
  externalId: string;
  kind: GroupKind;
  name: string;
  parentId: string | null;
  address: string | null;
}

export interface SyncGroupUpdate {
  id: string;
  name?: string;
  parentId?: string | null;
  address?: string | null;
}

export interface Membership {
  groupId: string;
  userId: string;
}

/** Changes applied in one transaction: all of them or none. */
export interface SyncBatch {
  createGroups?: SyncGroupCreate[];
  updateGroups?: SyncGroupUpdate[];
  /** Users' aliases to drop (those not in `keep`), before any address moves to another user. */
  releaseAliases?: { userId: string; keep: string[] }[];
  updateUsers?: SyncUserUpdate[];
  createUsers?: SyncUserCreate[];
  addMembers?: Membership[];
  removeMembers?: Membership[];
  /** Groups to delete, children before parents; their local subgroups move to the top level. */
  deleteGroups?: string[];
  /**
   * The `user.*` events of the users this batch changes, written by its
   * transaction (the target adds the `group.*` events of its group changes).
   */
  events?: NewEvent[];
}

/** State of a source that outlives a run. */
export interface SourceState {
  /** Highest change time seen, in the directory's own format; incremental runs start there. */
  changeMark: string | null;
  lastFullAt: number | null;
  lastSyncAt: number | null;
}

/** Where a running sync is. */
export interface SyncProgress {
  phase: 'starting' | 'reading' | 'planning' | 'applying' | 'done';
  done: number;
  total: number | null;
}

export interface ReportUser {
  address: string;
  dn: string | null;
  displayName?: string;
  /** For updates: the fields that change (address, displayName, aliases, department, groups, dn). */
  changes?: string[];
  /** For disables: removed from the directory, or disabled there. */
  reason?: string;
  /** For pending disables: when the grace period ends. */
  disableAt?: number;
}

export interface ReportConflict {
  address: string;
  dn: string;
  /** Who holds the address: a local user, another source's user, a group … */
  reason: string;
}

export interface ReportSkipped {
  dn: string;
  reason: string;
}

export interface ReportGroup {
  name: string;
  kind: GroupKind;
}

/** What a run changes (or, dry, would change). Counts are exact; entry lists stop at a limit. */
export interface SyncReport {
  counts: {
    directoryUsers: number;
    directoryGroups: number;
    create: number;
    update: number;
    disable: number;
    enable: number;
    pendingDisable: number;
    conflicts: number;
    skipped: number;
    groupsCreated: number;
    groupsUpdated: number;
    groupsDeleted: number;
    membershipsAdded: number;
    membershipsRemoved: number;
  };
  create: ReportUser[];
  update: ReportUser[];
  disable: ReportUser[];
  enable: ReportUser[];
  pendingDisable: ReportUser[];
  conflicts: ReportConflict[];
  skipped: ReportSkipped[];
  groups: { create: ReportGroup[]; update: ReportGroup[]; delete: ReportGroup[] };
  /** Set when the safety stop held the run: it changed nothing. */
  safetyStop: {
    wouldDisable: number;
    syncedUsers: number;
    percent: number;
    maxPercent: number;
    message: string;
  } | null;
  /** Some entry list was cut at the limit (counts are still exact). */
  truncated: boolean;
}

export interface SyncRun {
  id: string;
  source: string;
  status: SyncRunStatus;
  mode: SyncMode;
  dryRun: boolean;
  forced: boolean;
  trigger: SyncTrigger;
  startedAt: number;
  finishedAt: number | null;
  progress: SyncProgress;
  report: SyncReport | null;
  error: { code: string; message: string } | null;
}

export interface BeginRunInput {
  source: string;
  mode: SyncMode;
  dryRun: boolean;
  forced: boolean;
  trigger: SyncTrigger;
}

/** Sync runs in the database: the job record, its lock and the history. */
export interface SyncRunStore {
  /**
   * Starts a run, or returns the one already running for the source
   * (`started: false`). At most one runs per source, across processes: a
   * unique index is the lock. A run whose heartbeat stopped is failed first.
   */
  begin(input: BeginRunInput): Promise<{ run: SyncRun; started: boolean }>;
  /** Records progress and refreshes the heartbeat. */
  progress(id: string, progress: SyncProgress): Promise<void>;
  finish(
    id: string,
    result: { status: Exclude<SyncRunStatus, 'running'>; report: SyncReport | null; error: SyncRun['error'] },
  ): Promise<SyncRun>;
  /** Throws SYNC_RUN_NOT_FOUND. */
  get(id: string): Promise<SyncRun>;
  /** Newest first. */
  list(options: { source?: string; limit: number; cursor?: string }): Promise<Page<SyncRun>>;
}

/** What a directory backend uses to read and write jdmail's side of a source. */
export interface DirectorySyncTarget {
  /** Local domains by name → id. */
  localDomains(): Promise<Map<string, string>>;
  sourceUsers(source: string): Promise<SourceUser[]>;
  sourceGroups(source: string): Promise<SourceGroup[]>;
  /** The current holders of these (canonical) addresses; unknown ones are left out. */
  addressOwners(addresses: string[]): Promise<Map<string, AddressOwner>>;
  /** Applies one batch in one transaction. */
  apply(source: string, batch: SyncBatch): Promise<void>;
  sourceState(source: string): Promise<SourceState>;
  saveSourceState(source: string, state: Partial<SourceState>): Promise<void>;
  runs: SyncRunStore;
}
