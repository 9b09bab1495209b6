/**
 * Writes the README's settings table from the config schema, between the
 * `<!-- config-table:start -->` and `<!-- config-table:end -->` markers
 * (or prints the whole README with `--stdout`, for the drift check).
 *
 *   pnpm --filter @jdmail/server generate:config-table
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { listSettings } from '../src/config/index.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

function table(): string {
  const rows = listSettings().map((s) => {
    const def = s.schema.default;
    const shown = def === '' ? '—' : `\`${JSON.stringify(def)}\``;
    return `| \`${s.path.join('.')}\` | \`${s.env}\` | \`--${s.flag}\` | ${shown} | ${s.schema.description ?? ''} |`;
  });
  return [
    '| setting (JSON file) | env | flag | default | what it does |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

export async function renderReadme(): Promise<string> {
  const text = await readFile(README, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  return `${text.slice(0, a + START.length)}\n${table()}\n${text.slice(b)}`;
}

const out = await renderReadme();
if (process.argv.includes('--stdout')) process.stdout.write(out);
else await writeFile(README, out);
