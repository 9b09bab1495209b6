import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Temp directories made for one test file, removed together at its end. */
export interface TempDirs {
  /** A new empty directory under the OS temp dir. */
  make(prefix?: string): Promise<string>;
  /** Removes every directory made so far; call from `afterAll`. */
  removeAll(): Promise<void>;
}

/**
 * Creates a temp-dir registry. Explicit instead of hidden hooks: the test
 * file decides when dirs go (`afterAll(() => dirs.removeAll())`).
 */
export function tempDirs(): TempDirs {
  const made: string[] = [];
  return {
    async make(prefix = 'jdmail-test-') {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    async removeAll() {
      const dirs = made.splice(0);
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}
