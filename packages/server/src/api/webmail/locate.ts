import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The built webmail (`@jdmail/webmail`'s `dist/`), found through the package
 * dependency; null when the package is missing or not built (`pnpm build`
 * builds it before the server).
 */
export function findWebmailDist(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('@jdmail/webmail/package.json');
    const dist = join(dirname(pkg), 'dist');
    return existsSync(join(dist, 'index.html')) ? dist : null;
  } catch {
    return null;
  }
}
