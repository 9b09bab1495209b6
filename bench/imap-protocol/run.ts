/**
 * Measures the protocol layer's parse throughput on a FETCH/SEARCH-heavy
 * command stream (no network, one core): the reader alone, then reader +
 * grammars. Run: `pnpm --filter @jdmail/server exec tsx ../../bench/imap-protocol/run.ts`.
 */
import { CommandReader } from '../../packages/server/src/imap/protocol/command-reader.js';
import { createLiteralPolicy } from '../../packages/server/src/imap/protocol/literal-policy.js';
import { parseCommand } from '../../packages/server/src/imap/protocol/parse-command.js';

const MESSAGE = `From: a@example.com\r\nSubject: test\r\n\r\n${'x'.repeat(2000)}\r\n`;
const longSet = Array.from({ length: 200 }, (_, i) => 3 * i + 1).join(',');
const TEMPLATES = [
  (n: number) =>
    `a${n} UID FETCH 1:500 (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (From To Cc Subject Date Message-ID)])\r\n`,
  (n: number) =>
    `a${n} UID SEARCH CHARSET UTF-8 OR (FROM "alice" SUBJECT "report") (SINCE 1-Jan-2024 UNSEEN) NOT DELETED\r\n`,
  (n: number) => `a${n} UID FETCH ${longSet} (UID FLAGS MODSEQ) (CHANGEDSINCE 12345)\r\n`,
  (n: number) => `a${n} UID STORE 1:20 +FLAGS.SILENT (\\Seen $Forwarded)\r\n`,
  (n: number) => `a${n} FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)\r\n`,
  (n: number) => `a${n} UID SEARCH RETURN (MIN MAX COUNT) SUBJECT {6+}\r\n项目 FROM bob@example.com\r\n`,
  (n: number) => `a${n} APPEND INBOX (\\Seen) {${MESSAGE.length}+}\r\n${MESSAGE}\r\n`,
];

function buildStream(targetBytes: number, templates: typeof TEMPLATES): { bytes: Buffer; commands: number } {
  const parts: string[] = [];
  let size = 0;
  let n = 0;
  while (size < targetBytes) {
    const line = (templates[n % templates.length] as (n: number) => string)(n);
    parts.push(line);
    size += Buffer.byteLength(line);
    n++;
  }
  return { bytes: Buffer.from(parts.join(''), 'utf8'), commands: n };
}

function run(bytes: Buffer, parse: boolean): { seconds: number; commands: number } {
  const reader = new CommandReader({
    literalPolicy: createLiteralPolicy({ maxLiteralBytes: 64 * 1024, appendLimit: 50 * 1024 * 1024 }),
  });
  const chunk = 64 * 1024;
  let commands = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < bytes.length; i += chunk) {
    reader.push(bytes.subarray(i, i + chunk));
    for (let event = reader.next(); event; event = reader.next()) {
      if (event.kind !== 'command') continue;
      commands++;
      if (parse) parseCommand(event.command, { utf8Names: false });
    }
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, commands };
}

for (const [name, templates] of [
  ['with APPENDs', TEMPLATES],
  ['commands only', TEMPLATES.slice(0, -1)],
] as const) {
  const { bytes, commands } = buildStream(64 * 1024 * 1024, templates);
  const mb = bytes.length / (1024 * 1024);
  for (const parse of [false, true, false, true]) run(bytes.subarray(0, 4 * 1024 * 1024), parse); // warm-up
  for (const parse of [false, true]) {
    const runs = [1, 2, 3].map(() => run(bytes, parse));
    if (runs.some((r) => r.commands !== commands)) throw new Error('not every command was read');
    const best = Math.min(...runs.map((r) => r.seconds));
    const label = `${name}, ${parse ? 'reader + grammars' : 'reader only'}`;
    console.log(
      `${label}: ${mb.toFixed(1)} MiB, ${commands} commands; best of 3: ${(mb / best).toFixed(1)} MiB/s, ${Math.round(commands / best)} commands/s`,
    );
  }
}
