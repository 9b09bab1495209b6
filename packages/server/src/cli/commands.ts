import type { Command } from 'commander';
import { buildEngine, type Engine, initDataDir, startServer } from '../main.js';
import { createLogger } from '../telemetry/index.js';
import { registerApiKeyCommands } from './apikey-commands.js';
import { registerAppCommands } from './app-commands.js';
import { registerDomainDnsCommands } from './domain-dns.js';
import { registerLdapCommands } from './ldap.js';
import { configFrom, withConfigFlags } from './options.js';
import { registerQueueCommands } from './queue-commands.js';
import { registerSpamCommands } from './spam.js';

type Out = (line: string) => void;

async function withEngine<T>(cmd: Command, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const config = configFrom(cmd);
  const engine = await buildEngine(
    config,
    createLogger({ level: 'warn', destination: process.stderr as never }),
  );
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function firstRunBanner(key: string, httpPort: number): string {
  return [
    '',
    '  jdmail initialised a new data directory.',
    '  Administrator API key (shown once — store it now):',
    '',
    `    ${key}`,
    '',
    `  Try: curl -H "Authorization: Bearer ${key.slice(0, 8)}…" http://localhost:${httpPort}/api/v1/domains`,
    `  API docs: http://localhost:${httpPort}/docs`,
    '',
  ].join('\n');
}

export function registerCommands(program: Command, out: Out): void {
  withConfigFlags(
    program.command('start').description('run the server (initialises a fresh data dir)'),
  ).action(async (_o, cmd: Command) => {
    const config = configFrom(cmd);
    const log = createLogger({ level: config.log.level });
    // A failed promise nobody awaited is a bug, but one session's bug must not end every listener
    // and session of the server (Node's default for it): it is logged loudly instead. Accepted mail
    // is on disk either way; the test suite fails on any unhandled rejection.
    process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection (a bug)'));
    const server = await startServer(config, log);
    if (server.adminKey) out(firstRunBanner(server.adminKey, server.ports.http));
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      server.stop().then(
        () => process.exit(0),
        (err) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });

  withConfigFlags(
    program.command('init').description('create the data dir, database, TLS certificate and admin key'),
  ).action(async (_o, cmd: Command) => {
    await withEngine(cmd, async (engine) => {
      const { adminKey } = await initDataDir(engine);
      out(
        adminKey
          ? firstRunBanner(adminKey, engine.config.httpPort)
          : `already initialised: ${engine.config.dataDir}`,
      );
    });
  });

  const domain = program.command('domain').description('manage mail domains');
  withConfigFlags(domain.command('add <name>').description('add a local domain')).action(
    async (name: string, _o, cmd: Command) => {
      await withEngine(cmd, async (e) => out(`added ${(await e.directory.createDomain(name)).name}`));
    },
  );
  withConfigFlags(domain.command('list').description('list domains')).action(async (_o, cmd: Command) => {
    await withEngine(cmd, async (e) => {
      let cursor: string | undefined;
      do {
        const page = await e.directory.listDomains({ limit: 200, cursor });
        for (const d of page.items) out(d.name);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    });
  });

  registerDomainDnsCommands(domain, out, withEngine);
  registerUserCommands(program, out);
  registerAppCommands(program, out, withEngine);
  registerLdapCommands(program, out);
  registerSpamCommands(program, out, withEngine);

  registerApiKeyCommands(program, out, withEngine);
  registerQueueCommands(program, out, withEngine);

  function registerUserCommands(p: Command, o: Out) {
    const user = p.command('user').description('manage users');
    withConfigFlags(
      user
        .command('add <address>')
        .description('add a user')
        .option('--password <password>', 'password (prefer --password-stdin: flags show in ps)')
        .option('--password-stdin', 'read the password from stdin')
        .option('--name <displayName>', 'display name')
        .option('--quota <bytes>', 'quota in bytes, 0 = unlimited')
        .option('--role <role>', 'user, domain_admin or admin', 'user')
        .option('--admin-domain <domain...>', 'domains a domain_admin administers'),
    ).action(
      async (
        address: string,
        opts: Record<string, string | boolean | string[] | undefined>,
        cmd: Command,
      ) => {
        const password = opts.passwordStdin ? await readStdin() : (opts.password as string | undefined);
        await withEngine(cmd, async (e) => {
          const u = await e.directory.createUser({
            address,
            password,
            displayName: opts.name as string | undefined,
            quotaBytes: opts.quota === undefined ? undefined : Number(opts.quota),
            role: opts.role as 'user',
            adminDomains: opts.adminDomain as string[] | undefined,
          });
          o(`added ${u.address}`);
        });
      },
    );
    withConfigFlags(
      user
        .command('list')
        .description('list users')
        .option('--domain <domain>')
        .option('--q <text>', 'search'),
    ).action(async (opts: { domain?: string; q?: string }, cmd: Command) => {
      await withEngine(cmd, async (e) => {
        let cursor: string | undefined;
        do {
          const page = await e.directory.listUsers({ limit: 200, cursor, domain: opts.domain, q: opts.q });
          for (const u of page.items)
            o(`${u.address}\t${u.enabled ? 'enabled' : 'disabled'}\t${u.role}\t${u.displayName}`);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      });
    });
    withConfigFlags(
      user
        .command('passwd <address>')
        .description('set a user’s password; their signed-in sessions end')
        .option('--password <password>', 'new password (prefer --password-stdin: flags show in ps)')
        .option('--password-stdin', 'read the new password from stdin'),
    ).action(async (address: string, opts: { password?: string; passwordStdin?: boolean }, cmd: Command) => {
      const password = opts.passwordStdin ? await readStdin() : opts.password;
      if (password === undefined)
        cmd.error('error: give the new password with --password-stdin (or --password)');
      await withEngine(cmd, async (e) =>
        o(`password set for ${(await e.directory.updateUser(address, { password })).address}`),
      );
    });
    for (const [verb, enabled] of [
      ['disable', false],
      ['enable', true],
    ] as const) {
      withConfigFlags(user.command(`${verb} <address>`).description(`${verb} a user (mail is kept)`)).action(
        async (address: string, _o, cmd: Command) => {
          await withEngine(cmd, async (e) =>
            o(`${verb}d ${(await e.directory.updateUser(address, { enabled })).address}`),
          );
        },
      );
    }
  }
}
