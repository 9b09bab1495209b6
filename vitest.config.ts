import { availableParallelism, loadavg } from 'node:os';
import { defineConfig } from 'vitest/config';

// One test command for the whole workspace: unit tests beside the code,
// end-to-end tests in test/ against real servers started on port 0.
//
// Files run in parallel, at least two at a time: vitest's own default
// (cores − 1) is one worker on a 2-core CI machine, where most of an e2e
// file's time is spent waiting on the servers it started (jdmail,
// PostgreSQL, slapd, Chromium…). Every server listens on a port of its
// own (port 0 or test/harness/ports.ts), every file has its own temp dirs
// and databases, so files do not share state. `--maxWorkers=1` runs the
// suite one file at a time again.
//
// On a machine already busy with other work when the tests start (load
// average above twice its cores: a machine shared with other test runs)
// files run one at a time: there two files at once halve each file's share
// of the CPU, and a server start-up in a hook then outlasts its timeout.
// JDMAIL_TEST_WORKERS=n says how many, whatever the load.
//
// ALONE: the files that measure time (latency bounds, deadlines, rate
// budgets over elapsed time, a benchmark's new-mail deadline) run after
// everything else, one at a time, so that no other file competes with them
// for the CPU while they time the server.
const ALONE = {
  e2e: [
    'hostile/**/*.test.ts', // a well-behaved client answered within 2 s during attacks; session deadlines
    'brute-force.test.ts', // guesses checked ≤ a budget computed from the burst's elapsed time
    'imap-sessions.test.ts', // 8 wrong passwords, then the login guard's 1 s, 2 s … waits must not have run out
    'pop3-sessions.test.ts', // the same over POP3
    'imap.test.ts', // new mail reaches an IDLE session within 1 s
    'outbound-crash.test.ts', // kill -9 one second after the remote answered: jdmail must have recorded it by then
    'webmail-large-attachment.test.ts', // the server's RSS while 100 MB go through: another file's load skews collection
  ],
  bench: ['imap/sample.test.ts'], // every IDLE session sees its new message within 5 s
};

function workers(): number {
  const cores = availableParallelism();
  if (process.env.JDMAIL_TEST_WORKERS) return Math.max(1, Number(process.env.JDMAIL_TEST_WORKERS) || 1);
  return (loadavg()[0] ?? 0) > 2 * cores ? 1 : Math.max(2, cores);
}

export default defineConfig({
  test: {
    maxWorkers: workers(),
    // One PostgreSQL cluster for the run; each file makes (and drops) its own databases in it.
    globalSetup: ['test/harness/postgres-global.ts'],
    // The JSON report lets .ci/run print one plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'test/artifacts/vitest-report.json' }]],
    projects: [
      {
        test: {
          name: 'server',
          root: 'packages/server',
          include: ['src/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'sdk',
          root: 'packages/sdk',
          include: ['src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'webmail',
          root: 'packages/webmail',
          include: ['src/**/*.test.ts'],
          environment: 'jsdom',
        },
      },
      {
        test: {
          name: 'bench',
          root: 'bench',
          include: ['**/*.test.mjs', '**/*.test.ts'],
          exclude: ['**/node_modules/**', ...ALONE.bench],
        },
      },
      {
        test: {
          name: 'bench-alone',
          root: 'bench',
          include: ALONE.bench,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          root: 'test',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**', ...ALONE.e2e],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e-alone',
          root: 'test',
          include: ALONE.e2e,
          exclude: ['**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
