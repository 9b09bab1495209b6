import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SMTPServerAddress, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { Config } from '../config/index.js';
import type { Directory } from '../directory/index.js';
import type { FilterPipeline, Greylist, GroupPolicies } from '../filter/index.js';
import { createConnectionLimiter, type LoginGuard, parseAddressList } from '../limits/index.js';
import type { MailService } from '../mail/index.js';
import type { InboundAuth } from '../mail-auth/index.js';
import { normalizeAddress } from '../shared/index.js';
import type { Metrics } from '../telemetry/index.js';
import type { TlsMaterial } from '../tls/index.js';
import type { TraceEvent } from '../trace/index.js';
import { toSmtpError } from './errors.js';
import { createAuthenticateStage } from './inbound/authenticate.js';
import { createDataHandler } from './inbound/data.js';
import { createGreylistStage } from './inbound/greylist.js';
import { createGroupPolicyStage, type GroupPolicyStage } from './inbound/group-policy.js';
import { createRcptHandler, type RemoteRecipients, type ResolvedRecipients } from './inbound/rcpt.js';
import { createSpfStage, type SpfChecks } from './inbound/spf.js';
import { PromptSMTPServer } from './prompt-greeting.js';
import type { ReverseLookup } from './reverse-dns.js';
import type { ListenerLimits } from './session-limits.js';
import { createAuthHandler } from './submission/auth.js';
import { createSubmissionMailFrom } from './submission/mail-from.js';

export type SmtpMode = 'mx' | 'submission';

/**
 * How long a stop waits for sessions in a transaction (idle ones get 421 at
 * once, see PromptSMTPServer): short enough for a container's stop timeout
 * (Docker's is 10 s) to leave room for the rest of the shutdown.
 */
const SHUTDOWN_GRACE_MS = 8_000;

export interface SmtpListenerDeps {
  mode: SmtpMode;
  config: Config;
  directory: Directory;
  mail: MailService;
  tls: TlsMaterial;
  reverseLookup: ReverseLookup;
  /** The login guard every listener shares: failed AUTH here counts on every path. */
  loginGuard: LoginGuard;
  /** Submission accepts remote recipients and queues them (the mail service has an outbound queue). */
  relay?: boolean;
  /** MX: SPF/DKIM/DMARC/ARC checks of mail from outside (`mailAuth.*`); absent: none. */
  mailAuth?: InboundAuth;
  /** The filter pipeline (virus, spam, rules) every message passes; absent: none. */
  filter?: FilterPipeline;
  /** Group mail policies enforced at RCPT and DATA (pass the cached ones); absent: none. */
  groupPolicies?: Pick<GroupPolicies, 'policiesOf'>;
  /** MX: greylisting of first-time triplets (`greylist.*`, when enabled); never on submission. */
  greylist?: Greylist;
  /** Where refusals by policy are recorded (`refused`). */
  trace?: { record(event: TraceEvent): void };
  /** Connections and messages are counted here (`jdmail_smtp_*`). */
  metrics?: Metrics;
  log: Logger;
}

export interface SmtpListener {
  /** Binds and resolves with the actual port (useful with port 0). */
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, lets sessions finish their current command, then closes. */
  close(): Promise<void>;
}

/** Adapts an async stage to smtp-server's callback style; errors become SMTP replies. */
function stage<A extends unknown[]>(fn: (...args: A) => Promise<unknown>) {
  return (...args: [...A, (err?: Error | null, msg?: unknown) => void]) => {
    const cb = args.pop() as (err?: Error | null, msg?: unknown) => void;
    fn(...(args as unknown as A)).then(
      (v) => cb(null, v),
      (err: unknown) => cb(err instanceof Error && 'responseCode' in err ? err : toSmtpError(err)),
    );
  };
}

/** The `smtp.*` limits of one listener: each listener counts its clients' connections on its own. */
function listenerLimits(config: Config, log: Logger): ListenerLimits {
  const { smtp } = config;
  return {
    connections: createConnectionLimiter({
      maxPerClient: smtp.maxConnectionsPerIp,
      exempt: smtp.limitsExempt,
    }),
    commandTimeoutMs: smtp.commandTimeoutMs,
    minDataRate: smtp.minDataRate,
    maxSessionMs: smtp.maxSessionMs,
    trustedProxies: parseAddressList(smtp.proxyProtocol),
    log,
  };
}

/**
 * RCPT TO: the recipient checks (rcpt.ts), then the group mail policies,
 * then (MX) greylisting — a permanent refusal is given before a deferral.
 */
function rcptStages(
  deps: SmtpListenerDeps,
  base: ReturnType<typeof createRcptHandler>,
  policy: GroupPolicyStage | undefined,
  log: Logger,
) {
  const { config } = deps;
  const greylist =
    deps.mode === 'mx' && deps.greylist
      ? createGreylistStage({
          greylist: deps.greylist,
          exemptClients: [
            parseAddressList(config.greylist.exemptNetworks.join(',')),
            parseAddressList(config.mailAuth.trustedNetworks.join(',')),
          ],
          exemptDomains: config.greylist.exemptDomains,
          log,
        })
      : undefined;
  return async (address: SMTPServerAddress, session: SMTPServerSession): Promise<void> => {
    await base(address, session);
    await policy?.rcpt(address, session);
    await greylist?.(address, session);
  };
}

type DataCallback = NonNullable<SMTPServerOptions['onData']>;
type DataReply = Parameters<Parameters<DataCallback>[2]>[1];

/** DATA: a refusal for size that a group limit caused is answered with the group's reason. */
function explainedByPolicy(policy: GroupPolicyStage | undefined, onData: DataCallback): DataCallback {
  if (!policy) return onData;
  return (stream, session, cb) =>
    onData(stream, session, (err?: Error | null, message?: DataReply) =>
      err ? cb(policy.explain(session, err) as Error) : cb(null, message),
    );
}

/** One SMTP listener: MX (port 25 role, local domains, no AUTH) or submission (AUTH + STARTTLS). */
export function createSmtpListener(deps: SmtpListenerDeps): SmtpListener {
  const { config, mode } = deps;
  const log = deps.log.child({ component: `smtp-${mode}` });
  const submission = mode === 'submission';
  const ptr = new Map<string, Promise<string>>();
  const resolved: ResolvedRecipients = new WeakMap();
  // Submission relays remote recipients when the server has an outbound queue; the MX never does.
  const remote: RemoteRecipients | undefined = submission && deps.relay ? new WeakSet() : undefined;
  const spfChecks: SpfChecks = new WeakMap();
  const inboundAuth = !submission && deps.mailAuth ? deps.mailAuth : undefined;
  const policy = deps.groupPolicies
    ? createGroupPolicyStage({
        policies: deps.groupPolicies,
        submission,
        resolved,
        remote,
        trace: deps.trace,
        maxMessageSize: config.smtp.maxMessageSize,
        log,
      })
    : undefined;

  const options: SMTPServerOptions = {
    name: config.hostname,
    // smtp-server greets `220 <name> ESMTP <banner>` (RFC 5321 §4.3.1).
    banner: 'jdmail',
    size: config.smtp.maxMessageSize,
    key: deps.tls.key,
    cert: deps.tls.cert,
    logger: false,
    maxClients: config.smtp.maxClients,
    socketTimeout: config.smtp.socketTimeoutMs,
    // On stop, a session in a transaction gets this long to finish it; idle ones are closed at once.
    closeTimeout: SHUTDOWN_GRACE_MS,
    // PTR lookups run beside the session (see reverse-dns.ts), never before the greeting.
    disableReverseLookup: true,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: !submission,
    // RFC 8314 §3.3 / RFC 4954 §4: no AUTH over cleartext; STARTTLS first.
    allowInsecureAuth: false,
    disabledCommands: submission ? [] : ['AUTH'],
    onConnect: (session: SMTPServerSession, cb: (err?: Error | null) => void) => {
      ptr.set(session.id, deps.reverseLookup(session.remoteAddress));
      deps.metrics?.smtpConnections.inc({ listener: mode });
      cb();
    },
    onClose: (session: SMTPServerSession) => {
      ptr.delete(session.id);
    },
    onRcptTo: stage(
      rcptStages(
        deps,
        createRcptHandler({
          directory: deps.directory,
          maxRecipients: config.smtp.maxRecipients,
          submission,
          resolved,
          remote,
        }),
        policy,
        log,
      ),
    ),
    onData: stage(
      createDataHandler({
        mail: deps.mail,
        hostname: config.hostname,
        maxSize: config.smtp.maxMessageSize,
        maxSizeOf: policy?.maxSizeOf,
        log,
        resolved,
        remote,
        clientHostname: (s) => ptr.get(s.id) ?? Promise.resolve(''),
        senderOf: (s) => (submission && typeof s.user === 'string' ? s.user : undefined),
        checkAuthors: submission && config.smtp.checkFromHeader,
        authenticate: inboundAuth
          ? createAuthenticateStage({ auth: inboundAuth, checks: spfChecks, log })
          : undefined,
        filter: deps.filter
          ? (s, stream) =>
              deps.filter?.start({
                direction: submission ? 'outbound' : 'inbound',
                mailFrom: s.envelope.mailFrom ? normalizeAddress(s.envelope.mailFrom.address) : '',
                clientIp: s.remoteAddress,
                authenticated: submission,
                stream,
              })
          : undefined,
        counted: (result, bytes) => {
          deps.metrics?.smtpMessages.inc({ listener: mode, result });
          if (bytes) deps.metrics?.smtpBytes.inc({ listener: mode }, bytes);
        },
      }),
    ),
  };
  options.onData = explainedByPolicy(policy, options.onData as DataCallback);
  if (inboundAuth) options.onMailFrom = stage(createSpfStage({ auth: inboundAuth, checks: spfChecks }));
  if (submission) {
    options.onAuth = stage(createAuthHandler({ directory: deps.directory, guard: deps.loginGuard, log }));
    options.onMailFrom = stage(createSubmissionMailFrom(deps.directory));
  }
  const server = new PromptSMTPServer(options, listenerLimits(config, log));
  server.on('error', (err: Error) => log.warn({ err: err.message }, 'smtp connection error'));

  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(port, host, () => {
          server.server.off('error', reject);
          resolve((server.server.address() as AddressInfo).port);
        });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
