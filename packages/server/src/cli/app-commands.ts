import type { Command } from 'commander';
import type { Engine } from '../main.js';
import { withConfigFlags } from './options.js';

type Out = (line: string) => void;
type WithEngine = <T>(cmd: Command, fn: (engine: Engine) => Promise<T>) => Promise<T>;

const ORIGINS_HELP =
  'comma-separated web origins its widget tokens work from, e.g. https://portal.example.com (the CORS allow-list)';
const splitList = (s: string | undefined): string[] =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/** `jdmail app …` (registered apps for app tokens) and `jdmail keys …` (their signing keys). */
export function registerAppCommands(program: Command, out: Out, withEngine: WithEngine): void {
  const app = program.command('app').description('manage apps (OAuth client credentials for integrations)');
  withConfigFlags(
    app
      .command('create')
      .description('register an app; prints its client id and secret (the secret only this once)')
      .requiredOption('--name <name>', 'what the app is')
      .requiredOption('--scopes <list>', 'comma-separated scopes, e.g. mail:read,users:read or mail:* or *')
      .option('--domain <domain>', 'restrict the app to one domain')
      .option('--allowed-origins <list>', ORIGINS_HELP),
  ).action(
    async (o: { name: string; scopes: string; domain?: string; allowedOrigins?: string }, cmd: Command) => {
      await withEngine(cmd, async (e) => {
        const { app: created, clientSecret } = await e.oauth.apps.create({
          name: o.name,
          scopes: o.scopes.split(','),
          domain: o.domain ?? null,
          allowedOrigins: splitList(o.allowedOrigins),
        });
        out(`client_id     ${created.clientId}`);
        out(`client_secret ${clientSecret}`);
        process.stderr.write('Store the client secret now: it is shown only once.\n');
      });
    },
  );

  withConfigFlags(app.command('list').description('list apps')).action(async (_o, cmd: Command) => {
    await withEngine(cmd, async (e) => {
      let cursor: string | undefined;
      do {
        const page = await e.oauth.apps.list({ limit: 200, cursor });
        for (const a of page.items) {
          const state = a.enabled ? 'enabled' : 'disabled';
          const origins = a.allowedOrigins.length > 0 ? `\torigins ${a.allowedOrigins.join(',')}` : '';
          out(`${a.clientId}\t${state}\t${a.domain ?? '*'}\t${a.scopes.join(',')}\t${a.name}${origins}`);
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    });
  });

  withConfigFlags(
    app
      .command('rotate-secret <clientId>')
      .description('give an app a new secret; the old one and its tokens stop working'),
  ).action(async (clientId: string, _o, cmd: Command) => {
    await withEngine(cmd, async (e) => {
      const { clientSecret } = await e.oauth.apps.rotateSecret(clientId);
      out(`client_secret ${clientSecret}`);
    });
  });

  for (const [verb, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    withConfigFlags(
      app.command(`${verb} <clientId>`).description(`${verb} an app (its tokens are ${verb}d too)`),
    ).action(async (clientId: string, _o, cmd: Command) => {
      await withEngine(cmd, async (e) =>
        out(`${verb}d ${(await e.oauth.apps.update(clientId, { enabled })).clientId}`),
      );
    });
  }

  withConfigFlags(
    app
      .command('set-origins <clientId> [origins]')
      .description(`replace an app's allowed origins (empty: none). ${ORIGINS_HELP}`),
  ).action(async (clientId: string, origins: string | undefined, _o, cmd: Command) => {
    await withEngine(cmd, async (e) => {
      const updated = await e.oauth.apps.update(clientId, { allowedOrigins: splitList(origins) });
      out(`${updated.clientId}\torigins ${updated.allowedOrigins.join(',') || '-'}`);
    });
  });

  withConfigFlags(app.command('delete <clientId>').description('delete an app')).action(
    async (clientId: string, _o, cmd: Command) => {
      await withEngine(cmd, async (e) => {
        await e.oauth.apps.remove(clientId);
        out(`deleted ${clientId}`);
      });
    },
  );

  const keys = program.command('keys').description('manage the keys app tokens are signed with');
  withConfigFlags(
    keys
      .command('rotate')
      .description('make a new signing key now; older keys verify until their tokens have expired'),
  ).action(async (_o, cmd: Command) => {
    await withEngine(cmd, async (e) => {
      const key = await e.oauth.rotateKeys();
      out(`${key.kid}\t${key.alg}\tsigning`);
    });
  });
  withConfigFlags(keys.command('list').description('list signing keys (no key material)')).action(
    async (_o, cmd: Command) => {
      await withEngine(cmd, async (e) => {
        for (const k of await e.oauth.listKeys()) {
          out(
            `${k.kid}\t${k.alg}\t${k.signing ? 'signing' : `retires ${iso(k.retireAt)}`}\tcreated ${iso(k.createdAt)}`,
          );
        }
      });
    },
  );
}
