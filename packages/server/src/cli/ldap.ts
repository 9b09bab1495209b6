import type { Command } from 'commander';
import { buildEngine, type SyncReport, type SyncRun } from '../main.js';
import { createLogger } from '../telemetry/index.js';
import { configFrom, withConfigFlags } from './options.js';
import { createProgressPrinter, type ProgressStream } from './progress.js';

type Out = (line: string) => void;

/** Exit status of a run the safety stop held: scripts must notice that nothing changed. */
export const EXIT_SAFETY_STOP = 3;
/** Entries listed per kind in the text report (`--json` has the report's full lists). */
const SHOWN = 20;

function list<T>(out: Out, title: string, items: T[], total: number, line: (item: T) => string): void {
  if (total === 0) return;
  out(`${title}:`);
  for (const item of items.slice(0, SHOWN)) out(`  ${line(item)}`);
  if (total > SHOWN) out(`  … and ${total - SHOWN} more`);
}

/** The report as text: one summary line, the counts, then the entries of each kind. */
export function printReport(run: SyncRun, out: Out): void {
  const what = `${run.mode}${run.dryRun ? ', dry run' : ''}${run.forced ? ', forced' : ''}`;
  const seconds =
    run.finishedAt === null ? '' : ` in ${((run.finishedAt - run.startedAt) / 1000).toFixed(1)} s`;
  out(`ldap sync ${run.source} (${what}): ${run.status}${seconds}`);
  if (run.error) out(`error: ${run.error.message} (${run.error.code})`);
  const r: SyncReport | null = run.report;
  if (!r) return;
  const c = r.counts;
  out(`directory: ${c.directoryUsers} users, ${c.directoryGroups} groups`);
  out(
    `${run.dryRun ? 'would ' : ''}create ${c.create}, update ${c.update}, disable ${c.disable}, enable ${c.enable}; ` +
      `pending disable ${c.pendingDisable}, conflicts ${c.conflicts}, skipped ${c.skipped}`,
  );
  out(
    `groups: ${c.groupsCreated} created, ${c.groupsUpdated} changed, ${c.groupsDeleted} deleted; ` +
      `memberships: ${c.membershipsAdded} added, ${c.membershipsRemoved} removed`,
  );
  list(out, 'create', r.create, c.create, (u) => `${u.address}  ${u.dn ?? ''}`);
  list(out, 'update', r.update, c.update, (u) => `${u.address}  (${(u.changes ?? []).join(', ')})`);
  list(out, 'disable', r.disable, c.disable, (u) => `${u.address}  (${u.reason ?? ''})`);
  list(out, 'enable', r.enable, c.enable, (u) => u.address);
  list(
    out,
    'pending disable',
    r.pendingDisable,
    c.pendingDisable,
    (u) => `${u.address}  (${u.reason ?? ''}; on ${new Date(u.disableAt ?? 0).toISOString()})`,
  );
  list(out, 'conflicts', r.conflicts, c.conflicts, (x) => `${x.address}  ${x.dn}: ${x.reason}`);
  list(out, 'skipped', r.skipped, c.skipped, (x) => `${x.dn}: ${x.reason}`);
  if (r.safetyStop) out(`safety stop: ${r.safetyStop.message}`);
}

/** `jdmail ldap sync`: runs a directory sync in this process against the data directory. */
export function registerLdapCommands(
  program: Command,
  out: Out,
  progress: ProgressStream = process.stderr,
): void {
  const ldap = program.command('ldap').description('LDAP / Active Directory');
  withConfigFlags(
    ldap
      .command('sync')
      .description('sync users, groups and departments from a directory source now')
      .option('--dry-run', 'report what would change, change nothing')
      .option('--force', 'apply even if the safety stop would hold the run')
      .option('--source <name>', 'the source to sync (needed when several are configured)')
      .option('--incremental', 'read only entries changed since the last run')
      .option('--json', 'print the run, with its full report, as JSON'),
  ).action(
    async (
      o: { dryRun?: boolean; force?: boolean; source?: string; incremental?: boolean; json?: boolean },
      cmd: Command,
    ) => {
      const config = configFrom(cmd);
      const engine = await buildEngine(
        config,
        createLogger({ level: 'warn', destination: process.stderr as never }),
      );
      try {
        const label = `ldap sync ${o.source ?? engine.directorySync.sources()[0] ?? ''}`.trim();
        const printer = createProgressPrinter(label, progress);
        const { run, started } = await engine.directorySync.run(
          {
            source: o.source,
            dryRun: o.dryRun ?? false,
            force: o.force ?? false,
            mode: o.incremental ? 'incremental' : 'full',
            trigger: 'cli',
          },
          (p) => printer.update(p),
        );
        printer.finish();
        if (!started) {
          process.stderr.write(
            `jdmail: a sync of ${run.source} is already running (run ${run.id}, started ${new Date(run.startedAt).toISOString()})\n`,
          );
          process.exitCode = 1;
          return;
        }
        if (o.json) out(JSON.stringify(run, null, 2));
        else printReport(run, out);
        if (run.status === 'failed') process.exitCode = 1;
        if (run.status === 'safety_stop') process.exitCode = EXIT_SAFETY_STOP;
      } finally {
        await engine.close();
      }
    },
  );
}
