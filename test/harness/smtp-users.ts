import nodemailer from 'nodemailer';
import type { TestDatabase } from './databases.js';
import { runCli, startServer, type TestServer } from './server.js';

/**
 * A server on `db` with the domain example.com and two users who can sign in: alice
 * (`alice-password`, display name Alice) and bob (`bob-password`), added with the CLI as an admin
 * would. `env` is what further CLI commands on this server need.
 */
export async function startWithAliceAndBob(
  db: TestDatabase,
  settings: Record<string, string> = {},
): Promise<{ server: TestServer; env: Record<string, string> }> {
  const server = await startServer({ databaseUrl: db.databaseUrl, env: settings });
  const env = {
    JDMAIL_DATA_DIR: server.dataDir,
    ...(db.databaseUrl ? { JDMAIL_DATABASE_URL: db.databaseUrl } : {}),
  };
  await runCli(['domain', 'add', 'example.com'], env);
  await runCli(
    ['user', 'add', 'alice@example.com', '--password-stdin', '--name', 'Alice'],
    env,
    'alice-password\n',
  );
  await runCli(['user', 'add', 'bob@example.com', '--password-stdin'], env, 'bob-password\n');
  return { server, env };
}

/** nodemailer on `server`'s submission port, signed in as `user` after STARTTLS (the test certificate is self-signed). */
export function submissionTransport(server: TestServer, user: string, pass: string) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.submissionPort,
    secure: false,
    requireTLS: true,
    auth: { user, pass },
    tls: { rejectUnauthorized: false },
  });
}
