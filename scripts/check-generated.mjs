#!/usr/bin/env node
// Fails when a generated file differs from what its generator makes now:
// the OpenAPI document (from the server's route schemas) and the SDK's types
// (from that document), and the README's settings table (from the config
// schema). Regenerates into a temp dir; the tree is not touched.
//
//   pnpm check:generated        fix with: pnpm generate
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withHeader } from '../packages/sdk/scripts/add-header.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (...p) => join(root, ...p);
const tmp = mkdtempSync(join(tmpdir(), 'jdmail-generated-'));

function run(cmd, args, cwd = root) {
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function compare(committedPath, fresh, label) {
  let committed = '';
  try {
    committed = readFileSync(committedPath, 'utf8');
  } catch {
    console.error(`✗ ${label}: ${committedPath} is missing`);
    return false;
  }
  if (committed === fresh) {
    console.log(`✓ ${label} is up to date`);
    return true;
  }
  const freshPath = join(tmp, `fresh-${label.replace(/\W+/g, '-')}`);
  writeFileSync(freshPath, fresh);
  console.error(`✗ ${label} differs from what its generator makes now. First lines of the diff:`);
  const diff = spawnSync('diff', ['-u', committedPath, freshPath], { encoding: 'utf8' });
  console.error((diff.stdout || '(diff unavailable)').split('\n').slice(0, 40).join('\n'));
  return false;
}

try {
  const openapi = run(
    at('packages/server/node_modules/.bin/tsx'),
    ['scripts/generate-openapi.ts', '--stdout'],
    at('packages/server'),
  );
  const openapiOk = compare(at('openapi/jdmail-v1.json'), openapi, 'openapi/jdmail-v1.json');

  const specPath = join(tmp, 'jdmail-v1.json');
  const typesPath = join(tmp, 'api.ts');
  writeFileSync(specPath, openapi);
  run(
    at('packages/sdk/node_modules/.bin/openapi-typescript'),
    [specPath, '-o', typesPath],
    at('packages/sdk'),
  );
  const types = withHeader(readFileSync(typesPath, 'utf8'));
  const typesOk = compare(
    at('packages/sdk/src/generated/api.ts'),
    types,
    'packages/sdk/src/generated/api.ts',
  );

  const readme = run(
    at('packages/server/node_modules/.bin/tsx'),
    ['scripts/config-table.ts', '--stdout'],
    at('packages/server'),
  );
  const readmeOk = compare(at('README.md'), readme, 'README.md settings table');

  if (!(openapiOk && typesOk && readmeOk)) {
    console.error('\nRun `pnpm generate` and commit the result.');
    process.exitCode = 1;
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
