import { type Command, Option } from 'commander';
import { type Config, listSettings, loadConfig } from '../config/index.js';

/** Adds one flag per setting (`--http-port`, `--smtp-max-message-size` …) and `--config`. */
export function withConfigFlags(cmd: Command): Command {
  cmd.addOption(new Option('--config <file>', 'JSON config file (env JDMAIL_CONFIG)'));
  for (const s of listSettings()) {
    const def =
      s.schema.default === undefined || s.schema.default === ''
        ? ''
        : ` (default ${JSON.stringify(s.schema.default)})`;
    cmd.addOption(
      new Option(`--${s.flag} <value>`, `${s.schema.description ?? ''}${def}; env ${s.env}`).hideHelp(
        cmd.name() !== 'start',
      ),
    );
  }
  return cmd;
}

/** Effective config from the command's flags, env and file. */
export function configFrom(cmd: Command): Config {
  const opts = cmd.opts<Record<string, string | undefined>>();
  const flags: Record<string, string | undefined> = {};
  for (const s of listSettings()) {
    const key = s.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (opts[key] !== undefined) flags[s.flag] = opts[key];
  }
  return loadConfig({ flags, configFile: opts.config });
}
