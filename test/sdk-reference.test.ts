import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The generated reference (docs/reference, `pnpm generate`; CI fails when it
// drifts from the source) documents every public method of the client with
// an example: each `### method()` section of a class page has one.
const CLASSES = join(dirname(fileURLToPath(import.meta.url)), '../packages/sdk/docs/reference/classes');
const RESOURCES = ['ApiKeys', 'Apps', 'Directory', 'Domains', 'Groups', 'Mail', 'Paginator', 'Sso', 'Users'];

describe('the SDK reference', () => {
  it('has a page for the client, every resource and every error class', () => {
    const pages = readdirSync(CLASSES).map((f) => f.replace(/\.md$/, ''));
    expect(pages).toEqual(expect.arrayContaining(['JdMail', 'JdMailError', 'NotFoundError', ...RESOURCES]));
  });

  it.each(RESOURCES)('%s: every method has a description and an example', (name) => {
    const page = readFileSync(join(CLASSES, `${name}.md`), 'utf8');
    const methods = page
      .split(/^### /m)
      .slice(1)
      .filter((s) => /^[\w[\].]+\(\)/.test(s));
    expect(methods.length).toBeGreaterThan(0);
    const missing = methods
      .filter((s) => !/^\[Symbol\.asyncIterator\]/.test(s))
      .filter((s) => !s.includes('#### Example') || !/```ts\n[\s\S]*?```\n\n\S/.test(s))
      .map((s) => s.split('\n')[0]);
    expect(missing).toEqual([]);
  });
});
