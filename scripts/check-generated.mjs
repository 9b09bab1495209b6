#!/usr/bin/env node
// Fails when a generated file differs from what its generator makes now:
// the OpenAPI document (from the server's route schemas) and the SDK's types
// (from that document), the SDK's reference (typedoc, from its source), and
// the README's settings table (from the config schema). Regenerates into a temp dir; the tree is not touched.
//
//   pnpm check:generated        fix with: pnpm generate
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** Every file under `dir`, relative to it, sorted. */
function filesOf(dir, prefix = '') {
  let out = [];
  let entries = [];
  try {
    entries = readdirSync(join(dir, prefix), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = join(prefix, e.name);
    out = e.isDirectory() ? out.concat(filesOf(dir, rel)) : out.concat(rel);
  }
  return out.sort();
}

function compareTree(committedDir, freshDir, label) {
  const committed = filesOf(committedDir);
  const fresh = filesOf(freshDir);
  const extra = committed.filter((f) => !fresh.includes(f));
  if (extra.length > 0) {
    console.error(`✗ ${label}: ${extra.join(', ')} no longer generated`);
    return false;
  }
  let ok = true;
  for (const f of fresh)
    ok = compare(join(committedDir, f), readFileSync(join(freshDir, f), 'utf8'), `${label}/${f}`) && ok;
  return ok;
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

  const refOut = join(tmp, 'reference');
  run(
    at('packages/sdk/node_modules/.bin/typedoc'),
    ['--out', refOut, '--logLevel', 'Error'],
    at('packages/sdk'),
  );
  const refOk = compareTree(at('packages/sdk/docs/reference'), refOut, 'packages/sdk/docs/reference');

  if (!(openapiOk && typesOk && readmeOk && refOk)) {
    console.error('\nRun `pnpm generate` and commit the result.');
    process.exitCode = 1;
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
