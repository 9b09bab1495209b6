// The two MTAs the outbound benchmark compares, each taking submissions on its own port and
// relaying everything to the counting sink: a throwaway Postfix (bench/smtp-ingest's, with a
// relayhost) and jdmail from its built CLI (submission with AUTH, `outbound.relay` = the sink).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createPostfix } from '../../smtp-ingest/lib/servers/postfix.mjs';
import { freePort, startSmtpDaemon, stopGroup } from '../../smtp-ingest/lib/util.mjs';

export const SENDER = 'sender@bench.test';
export const SENDER_PASSWORD = 'bench-sender-password';

/**
 * Postfix relaying to `[127.0.0.1]:sinkPort` (no MX lookup), with its connection cache and a
 * destination concurrency equal to jdmail's per-destination connections, so both may open as
 * many connections to the sink.
 */
export async function createRelayingPostfix({ dir, sinkPort, connections, log = false }) {
  const postfix = await createPostfix({
    dir,
    log,
    extra: [
      `relayhost = [127.0.0.1]:${sinkPort}`,
      'virtual_mailbox_domains =',
      'smtp_connection_cache_on_demand = yes',
      `default_destination_concurrency_limit = ${connections}`,
      `smtp_destination_concurrency_limit = ${connections}`,
      `relay_destination_concurrency_limit = ${connections}`,
      'smtp_tls_security_level = none',
    ],
  });
  return {
    ...postfix,
    name: 'postfix',
    label: 'Postfix (relayhost)',
    submitPort: postfix.port,
    auth: undefined,
  };
}

const cli = (path, args, env) =>
  new Promise((resolve, reject) =>
    execFile(process.execPath, [path, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`jdmail ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    ),
  );

/** jdmail with its own data dir; submissions signed in as SENDER; every outbound message to the sink. */
export async function createRelayingJdmail({ dir, cliPath, sinkPort, connections, env: extraEnv = {} }) {
  if (!existsSync(cliPath)) {
    throw new Error(`jdmail CLI not found at ${cliPath}: run \`pnpm --filter @jdmail/server build\` first`);
  }
  const submitPort = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    JDMAIL_DATA_DIR: join(dir, 'data'),
    JDMAIL_HOST: '127.0.0.1',
    JDMAIL_HOSTNAME: 'jdmail.bench.test',
    JDMAIL_SUBMISSION_PORT: String(submitPort),
    JDMAIL_SMTP_PORT: '0',
    JDMAIL_HTTP_PORT: '0',
    JDMAIL_IMAP_PORT: '0',
    JDMAIL_IMAPS_PORT: '0',
    JDMAIL_POP3_PORT: '0',
    JDMAIL_POP3S_PORT: '0',
    JDMAIL_LOG_LEVEL: 'warn',
    // The bench sends as one user: no sending limits.
    JDMAIL_SENDING_USER_MESSAGES_PER_HOUR: '0',
    JDMAIL_SENDING_USER_RECIPIENTS_PER_HOUR: '0',
    JDMAIL_SENDING_DOMAIN_MESSAGES_PER_HOUR: '0',
    JDMAIL_SENDING_DOMAIN_RECIPIENTS_PER_HOUR: '0',
    // The smarthost (helper D's `outbound.relay`): smtp-sink, without TLS or AUTH.
    JDMAIL_OUTBOUND_RELAY_HOST: '127.0.0.1',
    JDMAIL_OUTBOUND_RELAY_PORT: String(sinkPort),
    JDMAIL_OUTBOUND_RELAY_REQUIRE_TLS: 'false',
    JDMAIL_OUTBOUND_MAX_CONNECTIONS_PER_DOMAIN: String(connections),
    ...extraEnv,
  };
  let child = null;
  return {
    name: 'jdmail',
    label: 'jdmail (outbound.relay)',
    submitPort,
    auth: { user: SENDER, pass: SENDER_PASSWORD },
    logFile: join(dir, 'jdmail.log'),
    async start() {
      await cli(cliPath, ['init'], env);
      await cli(cliPath, ['domain', 'add', 'bench.test'], env);
      await new Promise((resolve, reject) => {
        const p = execFile(
          process.execPath,
          [cliPath, 'user', 'add', SENDER, '--password-stdin'],
          { env },
          (err) => (err ? reject(err) : resolve(undefined)),
        );
        p.stdin?.end(`${SENDER_PASSWORD}\n`);
      });
      child = await startSmtpDaemon(process.execPath, [cliPath, 'start'], {
        port: submitPort,
        env,
        logFile: this.logFile,
        cwd: dir,
        timeoutMs: 60_000,
      });
    },
    roots: () => (child?.pid ? [child.pid] : []),
    async stop() {
      if (child?.pid) await stopGroup(child.pid, { timeoutMs: 20_000 });
      child = null;
    },
  };
}
