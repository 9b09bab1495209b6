import {
  canonicalAddress,
  type DirectorySyncTarget,
  type SyncMode,
  type SyncProgress,
  type SyncReport,
} from '../directory/index.js';
import { AppError, newId } from '../shared/index.js';
import { applyPlan } from './apply.js';
import { withConnection } from './connection.js';
import { laterMark } from './entry.js';
import type { EventSink } from './events.js';
import { makePlan } from './plan.js';
import { type DirectoryContents, readDirectory } from './read.js';
import { ReportBuilder } from './report.js';
import type { LdapSource } from './source.js';
import { formatGeneralizedTime, parseGeneralizedTime } from './values.js';

/**
 * An incremental run re-reads this much before the last change it saw: an
 * entry changed while the previous run was paging through the directory may
 * carry an earlier time than the last one that run read. Re-reading is harmless.
 */
export const INCREMENTAL_OVERLAP_MS = 5 * 60_000;

export interface SyncDeps {
  target: DirectorySyncTarget;
  /** Told after each commit of the user events it wrote to the event log; optional (the log is the record). */
  emit?: EventSink;
  now?: () => number;
  newId?: () => string;
}

export interface SyncOptions {
  mode: SyncMode;
  dryRun: boolean;
  force: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
}

export interface SyncOutcome {
  status: 'succeeded' | 'safety_stop';
  report: SyncReport;
}

/** Every address the directory offers (canonical), to look up who holds them in one go. */
function offeredAddresses(contents: DirectoryContents): string[] {
  const out: string[] = [];
  const add = (raw: string | null) => {
    const a = raw ? canonicalAddress(raw) : null;
    if (a) out.push(a.address);
  };
  for (const u of contents.users) {
    add(u.address);
    for (const a of u.aliases) add(a);
  }
  for (const g of contents.groups ?? []) add(g.address);
  return out;
}

function sinceFor(mark: string | null): string | null {
  const t = mark === null ? null : parseGeneralizedTime(mark);
  return t === null ? null : formatGeneralizedTime(t - INCREMENTAL_OVERLAP_MS);
}

/**
 * One sync of one source: read the directory (paged), plan against jdmail's
 * state, stop if the plan trips the safety stop, else (unless dry) apply it
 * in batches and remember how far the directory was read.
 */
export async function syncSource(
  deps: SyncDeps,
  source: LdapSource,
  options: SyncOptions,
): Promise<SyncOutcome> {
  const now = deps.now ?? Date.now;
  const started = now();
  const progress = options.onProgress ?? (() => undefined);
  const { target } = deps;
  const domains = await target.localDomains();
  if (!domains.has(source.domain))
    throw new AppError(
      'DOMAIN_NOT_FOUND',
      `domain ${source.domain} of directory source ${source.name} is not a local domain; add it first`,
    );
  const state = await target.sourceState(source.name);
  const since = options.mode === 'incremental' ? sinceFor(state.changeMark) : null;

  progress({ phase: 'reading', done: 0, total: null });
  const contents = await withConnection(source, (client) =>
    readDirectory(client, source, {
      since,
      signal: options.signal,
      onProgress: (n) => progress({ phase: 'reading', done: n, total: null }),
    }),
  );

  progress({ phase: 'planning', done: 0, total: null });
  const [current, currentGroups, owners] = await Promise.all([
    target.sourceUsers(source.name),
    target.sourceGroups(source.name),
    target.addressOwners(offeredAddresses(contents)),
  ]);
  const plan = makePlan(
    {
      source,
      mode: options.mode,
      force: options.force,
      now: started,
      current,
      currentGroups,
      owners,
      localDomains: new Set(domains.keys()),
      newId: deps.newId ?? (() => newId()),
      report: new ReportBuilder(),
    },
    contents,
  );
  if (plan.stop) return { status: 'safety_stop', report: plan.report };
  if (options.dryRun) return { status: 'succeeded', report: plan.report };

  progress({ phase: 'applying', done: 0, total: plan.size });
  await applyPlan(target, plan, {
    source: source.name,
    emit: deps.emit,
    signal: options.signal,
    now,
    onProgress: (done, total) => progress({ phase: 'applying', done, total }),
  });
  await target.saveSourceState(source.name, {
    changeMark: laterMark(state.changeMark, contents.mark),
    lastSyncAt: started,
    ...(options.mode === 'full' ? { lastFullAt: started } : {}),
  });
  return { status: 'succeeded', report: plan.report };
}
