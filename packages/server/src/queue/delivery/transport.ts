import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Logger } from 'pino';
import type { OutboundConfig } from '../../config/outbound-schema.js';
import type { DnsResolver } from '../../dns/index.js';
import { localVerdict, resultOf, type Verdict, verdictOfConnectionError } from './classify.js';
import { createMtaSts, type MtaSts, type StsPolicy } from './mta-sts.js';
import { dnsTrouble, hostAddresses, type MxHost, planMx } from './mx.js';
import { ConnectionPool } from './pool.js';
import { sendOnSession } from './send.js';
import { type SessionSettings, type SessionTarget, SmtpSession } from './session.js';
import type { DeliveryJob, DeliveryResult, Transport } from './types.js';

/** What the SMTP transport is built from. */
export interface SmtpTransportDeps {
  config: OutboundConfig;
  dns: DnsResolver;
  /** The server's hostname: the EHLO name unless `outbound.heloName` is set. */
  hostname: string;
  log: Logger;
  /** Extra trusted CAs (PEM); default: read from `outbound.caFile` when set. */
  ca?: string[];
}

/** Addresses tried per attempt at most, across all MX hosts (Postfix's smtp_mx_address_limit is 5). */
const MAX_ADDRESSES = 10;

/** Where one attempt goes: the MX hosts of the domain, or the smarthost. */
interface Route {
  poolDomain: string;
  hosts: MxHost[];
  port: number;
  target: Pick<SessionTarget, 'tls' | 'verify' | 'auth'>;
  policy: StsPolicy | null;
}

/**
 * The outbound SMTP transport (the queue worker's `Transport`): MX selection
 * (RFC 5321 §5) or the smarthost, MTA-STS, a pool of reusable connections
 * with per-destination and global limits, nodemailer's SMTPConnection as the
 * client. Every recipient comes back with a status; nothing here throws for
 * a remote failure.
 */
export function createSmtpTransport(deps: SmtpTransportDeps): Transport {
  const { config, dns } = deps;
  const log = deps.log.child({ component: 'delivery' });
  const pool = new ConnectionPool<SmtpSession>({
    perDomain: config.maxConnectionsPerDomain,
    total: config.maxConnections,
    idleMs: config.idleTimeoutMs,
  });
  const ca = trustedCas(deps.ca ?? (config.caFile ? [readFileSync(config.caFile, 'utf8')] : undefined));
  const mtaSts =
    config.mtaSts && !config.relay.host
      ? createMtaSts({ dns, port: config.mtaStsPort, family: config.ipFamily, ca })
      : null;
  const settings: SessionSettings = {
    heloName: config.heloName || deps.hostname,
    connectTimeoutMs: config.connectTimeoutMs,
    greetingTimeoutMs: config.greetingTimeoutMs,
    socketTimeoutMs: config.socketTimeoutMs,
  };
  const relayAuth = relayCredentials(config);

  async function deliver(job: DeliveryJob, signal?: AbortSignal): Promise<DeliveryResult> {
    const route = config.relay.host
      ? relayRoute(config, relayAuth)
      : await mxRoute(job.domain, dns, config, mtaSts, log);
    if ('verdict' in route) return everyone(job, route.verdict, null);
    let last: Verdict = localVerdict(
      'deferred',
      '4.4.4',
      `no address found for the MX hosts of ${job.domain}`,
    );
    let lastHost: string | null = null;
    let tried = 0;
    for (const host of route.hosts) {
      let addresses: string[];
      try {
        addresses = await hostAddresses(host.name, config.ipFamily, dns);
      } catch (err) {
        last = dnsTrouble(host.name, 'A/AAAA', err);
        continue;
      }
      if (addresses.length === 0 && host.implicit) {
        return everyone(
          job,
          localVerdict('failed', '5.1.2', `${job.domain} has no MX and no address: not a mail domain`),
          null,
        );
      }
      for (const address of addresses) {
        if (tried++ >= MAX_ADDRESSES || signal?.aborted) break;
        const target: SessionTarget = {
          address,
          port: route.port,
          servername: host.name,
          ca,
          ...route.target,
        };
        const attempt = await attemptAt(job, route.poolDomain, target, signal);
        if ('result' in attempt) {
          log.info(summary(job, target, attempt.result), 'delivery attempt');
          return attempt.result;
        }
        last = attempt.unreached;
        lastHost = host.name;
        log.info(
          { job: job.id, domain: job.domain, host: host.name, address, reason: last.response },
          'MX not reached',
        );
      }
    }
    return everyone(job, last, lastHost);
  }

  /** One try at one address: a result, or why the host could not be reached (the caller tries the next). */
  async function attemptAt(
    job: DeliveryJob,
    poolDomain: string,
    target: SessionTarget,
    signal?: AbortSignal,
  ): Promise<{ result: DeliveryResult } | { unreached: Verdict }> {
    const key = `${target.address}|${target.port}|${target.servername}|${target.tls}|${target.verify}`;
    for (let fresh = 0; fresh < 2; fresh++) {
      let slot: Awaited<ReturnType<typeof pool.acquire>>;
      try {
        slot = await pool.acquire(poolDomain, key, signal);
      } catch (err) {
        return {
          unreached: localVerdict('deferred', '4.4.7', `delivery cancelled: ${(err as Error).message}`),
        };
      }
      const reused = slot.conn !== null;
      let session: SmtpSession;
      try {
        session = slot.conn ?? (await SmtpSession.open(target, settings));
      } catch (err) {
        slot.drop();
        return { unreached: verdictOfConnectionError(err, target.servername) };
      }
      const onAbort = () => session.close();
      signal?.addEventListener('abort', onAbort, { once: true });
      const outcome = await sendOnSession(session, job).finally(() =>
        signal?.removeEventListener('abort', onAbort),
      );
      // A pooled connection the peer closed while idle fails before any reply: once more on a new one.
      const staleReuse =
        reused && outcome.recipients.every((r) => r.code === null && r.status === 'deferred');
      await release(slot, session, outcome.reusable && !staleReuse);
      if (staleReuse && fresh === 0) continue;
      return { result: { recipients: outcome.recipients, tls: session.tls } };
    }
    return { unreached: localVerdict('deferred', '4.4.1', `${target.servername}: connection lost`) };
  }

  /** RSET, then back to the pool for the next message to the same host; or closed. */
  async function release(
    slot: { keep(c: SmtpSession): void; drop(c?: SmtpSession | null): void },
    session: SmtpSession,
    reusable: boolean,
  ) {
    if (!reusable || session.messages >= config.maxMessagesPerConnection) {
      slot.drop(session);
      return;
    }
    try {
      await session.reset();
      slot.keep(session);
    } catch {
      slot.drop(session);
    }
  }

  return {
    deliver,
    close: () => pool.close(),
  };
}

/** The smarthost as the only host: TLS and AUTH as configured, checked for its own name. */
function relayRoute(config: OutboundConfig, auth: SessionTarget['auth']): Route {
  const relay = config.relay;
  const tls: SessionTarget['tls'] = relay.implicitTls
    ? 'implicit'
    : relay.requireTls
      ? 'required'
      : 'opportunistic';
  return {
    poolDomain: `relay:${relay.host}`,
    hosts: [{ name: relay.host, priority: 0, implicit: false }],
    port: relay.port,
    target: { tls, verify: relay.requireTls, auth },
    policy: null,
  };
}

async function mxRoute(
  domain: string,
  dns: DnsResolver,
  config: OutboundConfig,
  mtaSts: MtaSts | null,
  log: Logger,
): Promise<Route | { verdict: Verdict }> {
  const plan = await planMx(domain, dns);
  if ('verdict' in plan) return plan;
  const policy = mtaSts ? await mtaSts.policyFor(domain) : null;
  let hosts = plan.hosts;
  let target: Route['target'] = { tls: 'opportunistic', verify: false };
  if (policy && policy.mode !== 'none' && mtaSts) {
    const allowed = hosts.filter((h) => mtaSts.allows(policy, h.name));
    if (policy.mode === 'enforce') {
      // RFC 8461 §5: only MX hosts the policy names, only over TLS that verifies; otherwise wait.
      if (allowed.length === 0) {
        return {
          verdict: localVerdict(
            'deferred',
            '4.7.5',
            `no MX host of ${domain} is in its MTA-STS policy (enforce)`,
          ),
        };
      }
      hosts = allowed;
      target = { tls: 'required', verify: true };
    } else if (allowed.length < hosts.length) {
      log.warn(
        { domain, mx: hosts.map((h) => h.name), policy: policy.mx },
        'MTA-STS testing: MX not in the policy',
      );
    }
  }
  return { poolDomain: domain, hosts, port: config.port, target, policy };
}

/** The system's roots plus the extra CAs: Node's `ca` option replaces the roots, so both are given. */
function trustedCas(extra: string[] | undefined): string[] | undefined {
  return extra?.length ? [...rootCertificates, ...extra] : undefined;
}

/** The smarthost login; config/ has already put a `passwordEnv` password in `password`. */
function relayCredentials(config: OutboundConfig): SessionTarget['auth'] {
  const { user, password } = config.relay;
  return user ? { user, pass: password } : undefined;
}

function everyone(job: DeliveryJob, verdict: Verdict, host: string | null): DeliveryResult {
  return { recipients: job.recipients.map((r) => resultOf(r, verdict, host)), tls: false };
}

function summary(job: DeliveryJob, target: SessionTarget, result: DeliveryResult) {
  return {
    job: job.id,
    domain: job.domain,
    host: target.servername,
    address: target.address,
    tls: result.tls,
    recipients: result.recipients.map((r) => ({
      address: r.address,
      status: r.status,
      code: r.code,
      enhanced: r.enhanced,
    })),
  };
}
