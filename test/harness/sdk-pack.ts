import { execFile } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SDK = join(ROOT, 'packages/sdk');

/** Builds the SDK and packs it with `npm pack` into `dir`; returns the tarball's path. */
export async function packSdk(dir: string): Promise<string> {
  await run('pnpm', ['build'], { cwd: SDK });
  await mkdir(dir, { recursive: true });
  await run('npm', ['pack', '--pack-destination', dir], { cwd: SDK });
  const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack made no tarball');
  return join(dir, tarball);
}
