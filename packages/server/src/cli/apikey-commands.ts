import type { Command } from 'commander';
import { ROTATE_GRACE_DEFAULT_SECONDS } from '../directory/index.js';
import type { Engine } from '../main.js';
import { withConfigFlags } from './options.js';

type Out = (line: string) => void;
type WithEngine = <T>(cmd: Command, fn: (engine: Engine) => Promise<T>) => Promise<T>;

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/**
 * `jdmail apikey create|list|revoke|rotate`. Keys are printed only when made
 * (alone on stdout, so `$(jdmail apikey create …)` captures just the key);
 * the list shows ids and prefixes, never keys.
 */
export function registerApiKeyCommands(program: Command, out: Out, withEngine: WithEngine): void {
  const apikey = program.command('apikey').description('manage API keys');
  withConfigFlags(
    apikey
      .command('create')
      .description('create an API key and print only the key')
      .requiredOption('--name <name>', 'what the key is for')
      .requiredOption('--scopes <list>', 'comma-separated scopes, e.g. users:read,mail:read or mail:* or *')
      .option('--domain <domain>', 'restrict the key to one domain'),
  ).action(async (o: { name: string; scopes: string; domain?: string }, cmd: Command) => {
    await withEngine(cmd, async (e) => {
      const { key } = await e.directory.createApiKey({
        name: o.name,
        scopes: o.scopes.split(','),
        domain: o.domain ?? null,
      });
      out(key);
    });
  });

  withConfigFlags(
    apikey
      .command('list')
      .description('list the keys that work: id, prefix, domain (* for all), scopes, last use, expiry, name'),
  ).action(async (_o, cmd: Command) => {
    await withEngine(cmd, async (e) => {
      let cursor: string | undefined;
      do {
        const page = await e.directory.listApiKeys({ limit: 200, cursor });
        for (const k of page.items) {
          out(
            [
              k.id,
              `${k.prefix}…`,
              k.domain ?? '*',
              k.scopes.join(','),
              `used ${iso(k.lastUsedAt)}`,
              `expires ${iso(k.expiresAt)}`,
              k.name,
            ].join('\t'),
          );
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    });
  });

  withConfigFlags(
    apikey.command('revoke <id>').description('stop a key at once (its id, from apikey list)'),
  ).action(async (id: string, _o, cmd: Command) => {
    await withEngine(cmd, async (e) => {
      await e.directory.revokeApiKey(id);
      out(`revoked ${id}`);
    });
  });

  withConfigFlags(
    apikey
      .command('rotate <id>')
      .description(
        'make a new key like this one and print only it; the old one works on for the grace period',
      )
      .option(
        '--grace <seconds>',
        `how long the old key keeps working (0: it stops now)`,
        String(ROTATE_GRACE_DEFAULT_SECONDS),
      ),
  ).action(async (id: string, o: { grace: string }, cmd: Command) => {
    await withEngine(cmd, async (e) => {
      const grace = /^\d+$/.test(o.grace) ? Number(o.grace) : Number.NaN;
      const { key, apiKey } = await e.directory.rotateApiKey(id, grace);
      out(key);
      const old = await e.directory.getApiKey(id).catch(() => null);
      process.stderr.write(
        `New key ${apiKey.id}. The old key ${old ? `works until ${iso(old.expiresAt)}` : 'stopped working'}.\n`,
      );
    });
  });
}
