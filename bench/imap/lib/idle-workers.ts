// IDLE sessions held by child processes when there are more than one process may hold: each has
// as many sockets as its open-file limit (Node raises the soft limit to the hard one, which a
// container may cap at 20,000).
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type HoldOptions, holdIdleSessions, type IdleCount } from './idle-hold.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** tsx's loader, so that the workers run the TypeScript sources however this process was started. */
const TSX = pathToFileURL(
  createRequire(resolve(HERE, '../../../packages/server/package.json')).resolve('tsx'),
).href;

/**
 * Holds `o.count` IDLE sessions: in this process up to `perProcess`, beyond that in
 * ⌈count ÷ perProcess⌉ child processes, each holding its share. Only the counts come back (the
 * memory phase needs no more); `close()` ends every session and worker.
 */
export async function holdIdleCount(o: HoldOptions, perProcess: number): Promise<IdleCount> {
  if (o.count <= perProcess) return holdIdleSessions(o);
  const started = performance.now();
  const workers = Math.ceil(o.count / perProcess);
  const shares = Array.from(
    { length: workers },
    (_, k) => Math.floor(o.count / workers) + (k < o.count % workers ? 1 : 0),
  );
  const children = shares.map(() =>
    fork(join(HERE, 'idle-worker.ts'), [], { execArgv: ['--import', TSX], stdio: 'inherit' }),
  );
  let offset = o.offset ?? 0;
  const results = await Promise.all(
    children.map(
      (child, k) =>
        new Promise<{ held: number; failed: number; errors: string[] }>((res, rej) => {
          child.once('message', (m) => res(m as { held: number; failed: number; errors: string[] }));
          child.once('exit', (code) => rej(new Error(`IDLE worker ${k} exited with ${code}`)));
          const share = shares[k] ?? 0;
          child.send({ ...o, count: share, offset });
          offset += share;
        }),
    ),
  ).catch((err) => {
    for (const c of children) c.kill('SIGKILL');
    throw err;
  });
  return {
    asked: o.count,
    held: results.reduce((n, r) => n + r.held, 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
    errors: results.flatMap((r) => r.errors).slice(0, 5),
    setupMs: performance.now() - started,
    async close() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((res) => {
              if (c.exitCode !== null) return res();
              c.once('exit', () => res());
              c.send('close');
              setTimeout(() => c.kill('SIGKILL'), 30_000).unref();
            }),
        ),
      );
    },
  };
}
