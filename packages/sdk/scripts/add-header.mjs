// Prepends the "generated" header to a file written by openapi-typescript,
// so nobody edits it by hand (scripts/check-generated.mjs would undo it).
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const HEADER =
  '// Generated from openapi/jdmail-v1.json by openapi-typescript — do not edit.\n' +
  '// Regenerate with `pnpm generate` at the repository root.\n\n';

/** The file's text with the header, exactly once. */
export const withHeader = (text) => (text.startsWith(HEADER) ? text : HEADER + text);

// As a command: `node scripts/add-header.mjs <file>`; imported, it only exports.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: add-header.mjs <file>');
  writeFileSync(file, withHeader(readFileSync(file, 'utf8')));
}
