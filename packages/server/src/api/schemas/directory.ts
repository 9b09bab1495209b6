import { type Static, Type } from 'typebox';
import type { AddressBookEntry, DepartmentNode, SyncReport, SyncRun } from '../../directory/index.js';
import { iso, Nullable, PageOf, ref, Timestamp } from './common.js';
import { GroupTreeNodeModel } from './group.js';

const Enum = <T extends string>(values: readonly T[], description: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], description });

const Count = (description: string) => Type.Integer({ minimum: 0, description });

export const SyncRequestBody = Type.Object(
  {
    source: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 32,
        description: 'Directory source (`ldap.sources[].name`); needed when several are configured',
      }),
    ),
    dryRun: Type.Optional(
      Type.Boolean({ description: 'Report what would change without changing anything (default false)' }),
    ),
    force: Type.Optional(
      Type.Boolean({ description: 'Apply even when the safety stop would hold the run (default false)' }),
    ),
    mode: Type.Optional(
      Enum(
        ['full', 'incremental'] as const,
        '`full` (default) reads every entry and finds deleted ones; `incremental` reads entries changed since the last run',
      ),
    ),
  },
  { $id: 'DirectorySyncRequest', title: 'DirectorySyncRequest', additionalProperties: false },
);

export const ReportUserModel = Type.Object(
  {
    address: Type.String(),
    dn: Nullable(Type.String({ description: 'The directory entry' })),
    displayName: Type.Optional(Type.String()),
    changes: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'What changes: address, displayName, aliases, department, dn (a move or rename), externalId',
      }),
    ),
    reason: Type.Optional(Type.String({ description: 'Why the user is disabled' })),
    disableAt: Type.Optional(Timestamp('When the grace period ends and the user is disabled')),
  },
  { $id: 'DirectorySyncReportUser', title: 'DirectorySyncReportUser', additionalProperties: false },
);

export const ReportGroupModel = Type.Object(
  { name: Type.String(), kind: Enum(['department', 'group'] as const, 'Department or group') },
  { $id: 'DirectorySyncReportGroup', title: 'DirectorySyncReportGroup', additionalProperties: false },
);

const Users = (description: string) => Type.Array(ref(ReportUserModel), { description });
const Groups = (description: string) => Type.Array(ref(ReportGroupModel), { description });

export const SyncReportModel = Type.Object(
  {
    counts: Type.Object(
      {
        directoryUsers: Count('User entries read from the directory'),
        directoryGroups: Count('Group entries read'),
        create: Count('Users created'),
        update: Count('Users changed'),
        disable: Count('Users disabled (mail is kept)'),
        enable: Count('Users enabled again'),
        pendingDisable: Count('Users to disable once the grace period ends'),
        conflicts: Count('Addresses held by someone else, not taken'),
        skipped: Count('Entries that could not be used'),
        groupsCreated: Count('Groups and departments created'),
        groupsUpdated: Count('Groups and departments changed'),
        groupsDeleted: Count('Groups and departments deleted'),
        membershipsAdded: Count('Group and department memberships added'),
        membershipsRemoved: Count('Memberships removed'),
      },
      { additionalProperties: false, description: 'Exact counts' },
    ),
    create: Users('Users created'),
    update: Users('Users changed, with what changed'),
    disable: Users('Users disabled, with why'),
    enable: Users('Users enabled again'),
    pendingDisable: Users('Users in their grace period'),
    conflicts: Type.Array(
      Type.Object(
        {
          address: Type.String(),
          dn: Type.String(),
          reason: Type.String({ description: 'Who holds the address' }),
        },
        { additionalProperties: false },
      ),
      { description: 'Addresses a directory entry asks for but someone else holds; never overwritten' },
    ),
    skipped: Type.Array(
      Type.Object({ dn: Type.String(), reason: Type.String() }, { additionalProperties: false }),
      { description: 'Entries the sync could not use, and why' },
    ),
    groups: Type.Object(
      { create: Groups('Created'), update: Groups('Changed'), delete: Groups('Deleted') },
      { additionalProperties: false },
    ),
    safetyStop: Nullable(
      Type.Object(
        {
          wouldDisable: Count('Users the run would disable'),
          syncedUsers: Count('Enabled users of the source before the run'),
          percent: Type.Number({ description: 'wouldDisable as a share of syncedUsers' }),
          maxPercent: Type.Number({ description: 'The configured limit (maxDisablePercent)' }),
          message: Type.String(),
        },
        {
          additionalProperties: false,
          description: 'Set when the safety stop held the run: nothing was changed',
        },
      ),
    ),
    truncated: Type.Boolean({
      description: 'Some list holds only its first 1,000 entries (counts are exact)',
    }),
  },
  {
    $id: 'DirectorySyncReport',
    title: 'DirectorySyncReport',
    additionalProperties: false,
    description: 'What a run changed — or, for a dry run or a safety stop, would change',
  },
);

export const SyncRunModel = Type.Object(
  {
    id: Type.String(),
    source: Type.String({ description: 'Directory source' }),
    status: Enum(
      ['running', 'succeeded', 'failed', 'safety_stop'] as const,
      '`safety_stop`: it would have disabled too many users, so it changed nothing (see report.safetyStop)',
    ),
    mode: Enum(['full', 'incremental'] as const, 'Full or incremental'),
    dryRun: Type.Boolean(),
    forced: Type.Boolean(),
    trigger: Enum(['api', 'cli', 'schedule'] as const, 'What started it'),
    startedAt: Timestamp('When it started'),
    finishedAt: Nullable(Timestamp('When it finished; null while running')),
    progress: Type.Object(
      {
        phase: Enum(['starting', 'reading', 'planning', 'applying', 'done'] as const, 'Where it is'),
        done: Count('Entries read, or changes applied'),
        total: Nullable(Type.Integer({ minimum: 0, description: 'Changes to apply; null while reading' })),
      },
      { additionalProperties: false },
    ),
    report: Type.Union([ref(SyncReportModel), Type.Null()], { description: 'Set once it finished' }),
    error: Nullable(
      Type.Object(
        { code: Type.String(), message: Type.String() },
        { additionalProperties: false, description: 'Why a failed run failed' },
      ),
    ),
  },
  {
    $id: 'DirectorySyncRun',
    title: 'DirectorySyncRun',
    additionalProperties: false,
    description: 'One run of the directory sync job',
  },
);

export const SyncRunPage = PageOf(SyncRunModel, 'DirectorySyncRunPage', 'Sync runs, newest first');

export const AddressBookEntryModel = Type.Object(
  {
    kind: Enum(['user', 'group'] as const, 'A user, or a group with a distribution address'),
    address: Type.String(),
    name: Type.String({ description: 'Display name of a user, name of a group' }),
    domain: Type.String(),
    departments: Type.Array(
      Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false }),
      {
        description: "The user's departments (usually one)",
      },
    ),
    groupKind: Nullable(Enum(['department', 'group'] as const, 'For groups: department or group')),
  },
  {
    $id: 'AddressBookEntry',
    title: 'AddressBookEntry',
    additionalProperties: false,
    description: 'An entry of the global address book',
  },
);

export const AddressBookPage = PageOf(
  AddressBookEntryModel,
  'AddressBookPage',
  'A page of the address book, ordered by address',
);

export const DepartmentTree = Type.Object(
  {
    domain: Type.String(),
    items: Type.Array(ref(GroupTreeNodeModel), {
      description:
        'Top-level departments, each with its sub-departments in `children`: the same nodes as the group tree (`GET /domains/{domain}/groups`), departments only, `memberCount` counting enabled members',
    }),
  },
  { $id: 'DepartmentTree', title: 'DepartmentTree', description: "A domain's departments as a tree" },
);

type ReportJson = Static<typeof SyncReportModel>;
type RunJson = Static<typeof SyncRunModel>;

const reportUsers = (list: SyncReport['create']) =>
  list.map(({ disableAt, ...u }) => ({
    ...u,
    ...(disableAt === undefined ? {} : { disableAt: iso(disableAt) }),
  }));

export const toReportJson = (r: SyncReport): ReportJson => ({
  counts: r.counts,
  create: reportUsers(r.create),
  update: reportUsers(r.update),
  disable: reportUsers(r.disable),
  enable: reportUsers(r.enable),
  pendingDisable: reportUsers(r.pendingDisable),
  conflicts: r.conflicts,
  skipped: r.skipped,
  groups: r.groups,
  safetyStop: r.safetyStop,
  truncated: r.truncated,
});

export const toSyncRunJson = (run: SyncRun): RunJson => ({
  id: run.id,
  source: run.source,
  status: run.status,
  mode: run.mode,
  dryRun: run.dryRun,
  forced: run.forced,
  trigger: run.trigger,
  startedAt: iso(run.startedAt),
  finishedAt: run.finishedAt === null ? null : iso(run.finishedAt),
  progress: run.progress,
  report: run.report === null ? null : toReportJson(run.report),
  error: run.error,
});

export const toAddressBookEntryJson = (e: AddressBookEntry): Static<typeof AddressBookEntryModel> => ({
  ...e,
});

export const toDepartmentJson = (n: DepartmentNode): Static<typeof GroupTreeNodeModel> => ({
  id: n.id,
  domain: n.domain,
  name: n.name,
  kind: n.kind,
  parentId: n.parentId,
  address: n.address,
  sortOrder: n.sortOrder,
  memberCount: n.memberCount,
  source: n.source,
  children: n.children.map(toDepartmentJson),
});

export const DirectorySourceModel = Type.Object(
  {
    name: Type.String({ description: 'The source’s name (`ldap.sources[].name`)' }),
    preset: Enum(['openldap', 'ad'] as const, 'OpenLDAP or Active Directory'),
    url: Type.String({ description: 'The server (`ldap://host:389`); never a credential' }),
    domain: Type.String({ description: 'The domain its users get' }),
    syncGroups: Type.Boolean({ description: 'Groups and departments are synced too' }),
    intervalSeconds: Count('Scheduled runs every this many seconds; 0: only when started'),
    // A response only (no coercion), so `anyOf` with null is safe here (see Nullable).
    lastRun: Type.Unsafe<RunJson | null>({
      anyOf: [{ $ref: 'DirectorySyncRun' }, { type: 'null' }],
      description: 'Its newest run (a dry run too); null if none',
    }),
  },
  { $id: 'DirectorySource', title: 'DirectorySource', additionalProperties: false },
);

export const DirectorySourceList = Type.Object(
  { items: Type.Array(ref(DirectorySourceModel)) },
  {
    $id: 'DirectorySourceList',
    title: 'DirectorySourceList',
    description: 'The configured directory sources',
  },
);
