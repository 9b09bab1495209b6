import type { Logger } from 'pino';
import type {
  DirectorySyncTarget,
  Page,
  SyncMode,
  SyncProgress,
  SyncRun,
  SyncTrigger,
} from '../directory/index.js';
import { AppError, isAppError } from '../shared/index.js';
import { describeError } from './connection.js';
import type { EventSink } from './events.js';
import type { LdapSource } from './source.js';
import { syncSource } from './sync.js';

export interface SyncRequest {
  /** Needed when several sources are configured. */
  source?: string;
  dryRun?: boolean;
  force?: boolean;
  /** `auto` (the schedule's): full when the last full run is older than the full-sync interval. Default full. */
  mode?: SyncMode | 'auto';
  trigger: SyncTrigger;
}

/** Directory sync as a job: one run at a time per source, recorded with progress and report. */
export interface DirectorySync {
  /** Names of the configured sources. */
  sources(): string[];
  /** What an admin may see of each configured source: never its bind password. */
  describeSources(): DirectorySourceInfo[];
  /**
   * Starts a run in the background and returns it at once; while one runs
   * for that source, returns that one instead (`started: false`).
   */
  start(request: SyncRequest): Promise<{ run: SyncRun; started: boolean }>;
  /** Like {@link start}, then waits for the run to finish (the CLI runs it in-process this way). */
  run(
    request: SyncRequest,
    onProgress?: (p: SyncProgress) => void,
  ): Promise<{ run: SyncRun; started: boolean }>;
  get(id: string): Promise<SyncRun>;
  /** Runs newest first. */
  list(options: { source?: string; limit: number; cursor?: string }): Promise<Page<SyncRun>>;
  /** Syncs every source every `intervalMs` (first run soon after start). */
  startSchedule(): void;
  /** Stops the schedule, stops this process's running runs and waits for them. */
  stop(): Promise<void>;
}

/** A configured source as the admin console shows it (no credentials). */
export interface DirectorySourceInfo {
  name: string;
  preset: 'openldap' | 'ad';
  /** `ldap://host:389`, without any userinfo. */
  url: string;
  /** The domain synced users get. */
  domain: string;
  syncGroups: boolean;
  /** Scheduled runs every this many ms; 0: only on demand. */
  intervalMs: number;
}

export interface DirectorySyncDeps {
  sources: LdapSource[];
  target: DirectorySyncTarget;
  /** Told after each commit of the user events it wrote to the event log; optional (the log is the record). */
  emit?: EventSink;
  log: Logger;
  /** Scheduled runs; 0 = none. */
  intervalMs: number;
  /** A scheduled run is full when the last full one is at least this old. */
  fullIntervalMs: number;
  now?: () => number;
}

const HEARTBEAT_MS = 20_000;
const PROGRESS_WRITE_MS = 500;
const FIRST_SCHEDULED_RUN_MS = 2_000;

/** Builds the sync job service over the directory's sync target. */
export function createDirectorySync(deps: DirectorySyncDeps): DirectorySync {
  const { target, log } = deps;
  const now = deps.now ?? Date.now;
  const byName = new Map(deps.sources.map((s) => [s.name, s]));
  const running = new Map<string, { controller: AbortController; done: Promise<SyncRun> }>();
  const timers: NodeJS.Timeout[] = [];

  function pick(name: string | undefined): LdapSource {
    if (name !== undefined) {
      const s = byName.get(name);
      if (!s) throw new AppError('DIRECTORY_SOURCE_NOT_FOUND', `no directory source is named ${name}`);
      return s;
    }
    if (deps.sources.length === 1) return deps.sources[0] as LdapSource;
    if (deps.sources.length === 0)
      throw new AppError('DIRECTORY_SOURCE_NOT_FOUND', 'no directory source is configured (ldap.sources)');
    throw new AppError('VALIDATION_FAILED', 'source: name one of the configured sources', {
      field: 'source',
    });
  }

  async function resolveMode(source: LdapSource, mode: SyncRequest['mode']): Promise<SyncMode> {
    if (mode === 'full' || mode === undefined) return 'full';
    const state = await target.sourceState(source.name);
    // Without a mark there is nothing to be incremental from.
    if (state.changeMark === null) return 'full';
    if (mode === 'incremental') return 'incremental';
    const fullDue = state.lastFullAt === null || now() - state.lastFullAt >= deps.fullIntervalMs;
    return fullDue ? 'full' : 'incremental';
  }

  async function execute(
    run: SyncRun,
    source: LdapSource,
    request: SyncRequest,
    signal: AbortSignal,
    onProgress?: (p: SyncProgress) => void,
  ): Promise<SyncRun> {
    let last: SyncProgress = run.progress;
    let lastWrite = 0;
    let writes = Promise.resolve();
    const write = (p: SyncProgress) => {
      writes = writes
        .then(() => target.runs.progress(run.id, p))
        .catch((err) => {
          log.warn({ err: describeError(err), runId: run.id }, 'could not record sync progress');
        });
    };
    const heartbeat = setInterval(() => write(last), HEARTBEAT_MS);
    heartbeat.unref();
    const progress = (p: SyncProgress) => {
      last = p;
      onProgress?.(p);
      if (now() - lastWrite >= PROGRESS_WRITE_MS) {
        lastWrite = now();
        write(p);
      }
    };
    try {
      const outcome = await syncSource({ target, emit: deps.emit, now }, source, {
        mode: run.mode,
        dryRun: run.dryRun,
        force: run.forced,
        signal,
        onProgress: progress,
      });
      await writes;
      const done = await target.runs.finish(run.id, {
        status: outcome.status,
        report: outcome.report,
        error: null,
      });
      log.info(
        {
          source: source.name,
          runId: run.id,
          status: done.status,
          dryRun: run.dryRun,
          counts: outcome.report.counts,
        },
        'directory sync finished',
      );
      return done;
    } catch (err) {
      await writes;
      const error = { code: isAppError(err) ? err.code : 'INTERNAL', message: describeError(err) };
      log.warn(
        { source: source.name, runId: run.id, trigger: request.trigger, error },
        'directory sync failed',
      );
      return target.runs.finish(run.id, { status: 'failed', report: null, error });
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function launch(request: SyncRequest, onProgress?: (p: SyncProgress) => void) {
    const source = pick(request.source);
    const mode = await resolveMode(source, request.mode);
    const { run, started } = await target.runs.begin({
      source: source.name,
      mode,
      dryRun: request.dryRun ?? false,
      forced: request.force ?? false,
      trigger: request.trigger,
    });
    if (!started) return { run, started, done: undefined };
    const controller = new AbortController();
    const done = execute(run, source, request, controller.signal, onProgress);
    running.set(run.id, { controller, done });
    void done.finally(() => running.delete(run.id));
    return { run, started, done };
  }

  return {
    sources: () => deps.sources.map((s) => s.name),
    describeSources: () =>
      deps.sources.map((s) => ({
        name: s.name,
        preset: s.preset,
        // Userinfo in the URL would be a credential: never shown.
        url: s.url.replace(/^(ldaps?:\/\/)[^@/]*@/i, '$1'),
        domain: s.domain,
        syncGroups: s.syncGroups,
        intervalMs: Math.max(0, deps.intervalMs),
      })),
    async start(request) {
      const { run, started } = await launch(request);
      return { run, started };
    },
    async run(request, onProgress) {
      const { run, started, done } = await launch(request, onProgress);
      return { run: done ? await done : run, started };
    },
    get: (id) => target.runs.get(id),
    list: (options) => target.runs.list(options),
    startSchedule() {
      if (deps.intervalMs <= 0 || deps.sources.length === 0 || timers.length) return;
      const tick = () => {
        for (const s of deps.sources) {
          launch({ source: s.name, mode: 'auto', trigger: 'schedule' }).catch((err) =>
            log.warn({ source: s.name, err: describeError(err) }, 'scheduled directory sync did not start'),
          );
        }
      };
      const first = setTimeout(tick, Math.min(FIRST_SCHEDULED_RUN_MS, deps.intervalMs));
      const every = setInterval(tick, deps.intervalMs);
      first.unref();
      every.unref();
      timers.push(first, every);
    },
    async stop() {
      for (const t of timers.splice(0)) clearTimeout(t);
      const jobs = [...running.values()];
      for (const j of jobs) j.controller.abort();
      await Promise.allSettled(jobs.map((j) => j.done));
    },
  };
}
