import { describe, expect, it } from 'vitest';
import { CommandReader, type ReaderEvent } from './command-reader.js';
import type { ImapCommand } from './commands.js';
import { createLiteralPolicy } from './literal-policy.js';
import { parseCommand } from './parse-command.js';
import { TRANSCRIPTS } from './testing/transcripts.js';

/** Plays a transcript the way a session would: IDLE and AUTHENTICATE switch the reader's mode. */
function play(input: Buffer, chunk: number): Array<string | ImapCommand> {
  const reader = new CommandReader({
    literalPolicy: createLiteralPolicy({ maxLiteralBytes: 4096, appendLimit: 10_000_000 }),
  });
  const seen: Array<string | ImapCommand> = [];
  let utf8Names = false;
  const handle = (event: ReaderEvent) => {
    if (event.kind === 'continue') seen.push('+');
    else if (event.kind === 'line') seen.push('line');
    else if (event.kind === 'idle-end') seen.push(event.done ? 'idle-done' : 'idle-interrupted');
    else if (event.kind === 'error') seen.push(`error: ${event.error.message}`);
    else {
      const command = parseCommand(event.command, { utf8Names });
      seen.push(command);
      if (command.name === 'IDLE') reader.startIdle();
      if (command.name === 'AUTHENTICATE' && !command.initialResponse) reader.expectLine();
      if (command.name === 'ENABLE' && command.capabilities.includes('UTF8=ACCEPT')) utf8Names = true;
    }
  };
  for (let i = 0; i < input.length; i += chunk) {
    reader.push(input.subarray(i, i + chunk));
    for (let event = reader.next(); event; event = reader.next()) handle(event);
  }
  return seen;
}

describe('client transcripts', () => {
  for (const transcript of TRANSCRIPTS) {
    it(`parses ${transcript.client} as expected, however the bytes are split`, () => {
      const input = Buffer.from(transcript.input, 'utf8');
      for (const chunk of [input.length, 1, 5, 64]) {
        const seen = play(input, chunk);
        expect(seen).toHaveLength(transcript.expect.length);
        transcript.expect.forEach((want, i) => {
          if (typeof want === 'string') expect(seen[i]).toBe(want);
          else expect(seen[i]).toMatchObject(want);
        });
      }
    });
  }
});
