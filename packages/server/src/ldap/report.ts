import type {
  ReportConflict,
  ReportGroup,
  ReportSkipped,
  ReportUser,
  SyncReport,
} from '../directory/index.js';

/** Entries kept per list of a report; counts stay exact beyond it (100,000-user directories). */
export const REPORT_LIMIT = 1000;

type UserList = 'create' | 'update' | 'disable' | 'enable' | 'pendingDisable';
type GroupList = 'create' | 'update' | 'delete';

/** A report of a run that found and changed nothing. */
export const emptySyncReport = (): SyncReport => ({
  counts: {
    directoryUsers: 0,
    directoryGroups: 0,
    create: 0,
    update: 0,
    disable: 0,
    enable: 0,
    pendingDisable: 0,
    conflicts: 0,
    skipped: 0,
    groupsCreated: 0,
    groupsUpdated: 0,
    groupsDeleted: 0,
    membershipsAdded: 0,
    membershipsRemoved: 0,
  },
  create: [],
  update: [],
  disable: [],
  enable: [],
  pendingDisable: [],
  conflicts: [],
  skipped: [],
  groups: { create: [], update: [], delete: [] },
  safetyStop: null,
  truncated: false,
});

/** Builds a {@link SyncReport}: every add counts, lists stop at {@link REPORT_LIMIT}. */
export class ReportBuilder {
  readonly report: SyncReport = emptySyncReport();

  private push<T>(list: T[], entry: T): void {
    if (list.length < REPORT_LIMIT) list.push(entry);
    else this.report.truncated = true;
  }

  user(list: UserList, entry: ReportUser): void {
    this.report.counts[list] += 1;
    this.push(this.report[list], entry);
  }

  conflict(entry: ReportConflict): void {
    this.report.counts.conflicts += 1;
    this.push(this.report.conflicts, entry);
  }

  skipped(entry: ReportSkipped): void {
    this.report.counts.skipped += 1;
    this.push(this.report.skipped, entry);
  }

  group(list: GroupList, entry: ReportGroup): void {
    const key = list === 'create' ? 'groupsCreated' : list === 'update' ? 'groupsUpdated' : 'groupsDeleted';
    this.report.counts[key] += 1;
    this.push(this.report.groups[list], entry);
  }
}
