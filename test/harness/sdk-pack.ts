import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SDK = join(ROOT, 'packages/sdk');

/**
 * Packs the SDK with `npm pack` into `dir`, as a publisher would on a fresh
 * clone: from a copy of the package without its `dist/`, so the tarball holds
 * a build only if the package's own `prepack` makes one. Returns the tarball's path.
 */
export async function packSdk(dir: string): Promise<string> {
  // The workspace's layout, as far as the package's build reaches: its tsconfig extends the root's.
  const clone = await mkdtemp(join(tmpdir(), 'jdmail-sdk-src-'));
  const source = join(clone, 'packages/sdk');
  try {
    await cp(join(ROOT, 'tsconfig.base.json'), join(clone, 'tsconfig.base.json'));
    await cp(SDK, source, {
      recursive: true,
      filter: (path) => !/[/\\](dist|node_modules)$/.test(path),
    });
    // The package's dev tools (tsup, typescript) as the workspace installed them.
    await symlink(join(SDK, 'node_modules'), join(source, 'node_modules'), 'dir');
    await mkdir(dir, { recursive: true });
    await run('npm', ['pack', '--pack-destination', dir], { cwd: source });
  } finally {
    await rm(clone, { recursive: true, force: true });
  }
  const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack made no tarball');
  return join(dir, tarball);
}
