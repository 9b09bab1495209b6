#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError } from '../config/index.js';
import { isAppError } from '../shared/index.js';
import { registerCommands } from './commands.js';

// `jdmail user list | head` closes our stdout early: that is the reader being done, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command('jdmail')
  .description('jdmail — embeddable enterprise mail server')
  .showHelpAfterError();
registerCommands(program, (line) => process.stdout.write(`${line}\n`));

program.parseAsync(process.argv).catch((err: unknown) => {
  // Errors the user can act on get one clear line; anything else a stack.
  if (err instanceof ConfigError) console.error(`jdmail: configuration error: ${err.message}`);
  else if (isAppError(err)) console.error(`jdmail: ${err.message} (${err.code})`);
  else console.error('jdmail: unexpected error:', err);
  process.exit(err instanceof ConfigError ? 78 : 1); // 78 = EX_CONFIG
});
