import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/**
 * How the test MTA answers a message: `accept` (250), `tempfail-first` (451
 * the first time each message's recipients are offered, then 250, as greylisting
 * does: keyed by the recipient list), `reject` (554 after the data), `drop` (close the connection in the
 * middle of the data).
 */
export type MtaBehaviour = 'accept' | 'tempfail-first' | 'reject' | 'drop';

export interface TestMtaOptions {
  /** Address to listen on (default 127.0.0.1); several MTAs share one port on 127.0.0.x. */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
  behaviour?: MtaBehaviour;
  /** A per-recipient answer: an SMTP reply ("550 5.1.1 no such user") or null to accept. */
  rcpt?: (address: string) => string | null;
  /** Offer STARTTLS with this key and certificate. */
  tls?: { key: string; cert: string };
  /** Announce SIZE with this limit. */
  size?: number;
  /** Do not announce SMTPUTF8. */
  noSmtpUtf8?: boolean;
  /** Require AUTH PLAIN/LOGIN with these credentials. */
  auth?: { user: string; pass: string };
  /** Hold each message this long before answering (to see concurrency). */
  holdMs?: number;
}

/** A message the test MTA received (and accepted). */
export interface ReceivedMessage {
  mailFrom: string;
  rcptTo: string[];
  data: Buffer;
  tls: boolean;
  /** Which connection carried it (smtp-server's session id). */
  connection: string;
  /** The user that authenticated, if any. */
  user: string | null;
}

/** A small RFC 5321 receiver built on smtp-server: it answers as told and counts what it got. */
export interface TestMta {
  host: string;
  port: number;
  received: ReceivedMessage[];
  /** Connections opened in all, open now, and the most open at once. */
  connections: number;
  open: number;
  maxConcurrent: number;
  /** Message transactions attempted (DATA started), whatever the answer. */
  attempts: number;
  /** EHLO names clients gave. */
  heloNames: string[];
  stop(): Promise<void>;
}

function smtpError(reply: string): Error {
  const match = /^(\d{3})\s+(.*)$/.exec(reply);
  const err = new Error(match ? match[2] : reply) as Error & { responseCode?: number };
  err.responseCode = match ? Number(match[1]) : 550;
  return err;
}

/** Starts a test MTA; ready when it returns. */
export async function startTestMta(options: TestMtaOptions = {}): Promise<TestMta> {
  const behaviour = options.behaviour ?? 'accept';
  const seen = new Set<string>();
  const mta: TestMta = {
    host: options.host ?? '127.0.0.1',
    port: 0,
    received: [],
    connections: 0,
    open: 0,
    maxConcurrent: 0,
    attempts: 0,
    heloNames: [],
    stop: async () => undefined,
  };
  const server = new SMTPServer({
    logger: false,
    banner: 'test MTA',
    closeTimeout: 1000,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : { hideSTARTTLS: true }),
    ...(options.size ? { size: options.size } : {}),
    hideSMTPUTF8: options.noSmtpUtf8 === true,
    hide8BITMIME: false,
    authOptional: !options.auth,
    allowInsecureAuth: true,
    disabledCommands: options.auth ? [] : ['AUTH'],
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else callback(smtpError('535 5.7.8 authentication failed'));
    },
    onConnect(_session, callback) {
      mta.connections++;
      mta.open++;
      mta.maxConcurrent = Math.max(mta.maxConcurrent, mta.open);
      callback();
    },
    onClose() {
      mta.open--;
    },
    onMailFrom(_address, session, callback) {
      if (session.hostNameAppearsAs) mta.heloNames.push(session.hostNameAppearsAs);
      callback();
    },
    onRcptTo(address, _session, callback) {
      const reply = options.rcpt?.(address.address);
      callback(reply ? smtpError(reply) : undefined);
    },
    onData(stream, session, callback) {
      mta.attempts++;
      const chunks: Buffer[] = [];
      let dropped = false;
      stream.on('data', (c: Buffer) => {
        chunks.push(c);
        if (behaviour === 'drop' && !dropped) {
          dropped = true;
          // RFC 5321 allows neither, which is the point: a peer that vanishes mid-DATA.
          destroyConnection(server, session.id);
        }
      });
      stream.on('end', () => {
        if (dropped) return;
        const finish = () => answer(session, Buffer.concat(chunks), callback);
        if (options.holdMs) setTimeout(finish, options.holdMs);
        else finish();
      });
    },
  });

  function answer(session: SMTPServerSession, data: Buffer, callback: (err?: Error | null) => void) {
    const key = session.envelope.rcptTo.map((r) => r.address).join(',');
    if (behaviour === 'reject') return callback(smtpError('554 5.7.1 message refused by policy'));
    if (behaviour === 'tempfail-first' && !seen.has(key)) {
      seen.add(key);
      return callback(smtpError('451 4.7.1 greylisted, try again later'));
    }
    mta.received.push({
      mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      rcptTo: session.envelope.rcptTo.map((r) => r.address),
      data,
      tls: session.secure,
      connection: session.id,
      user: (session.user as string | undefined) ?? null,
    });
    callback();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, mta.host, () => resolve());
  });
  server.on('error', () => undefined);
  mta.port = (server.server.address() as AddressInfo).port;
  mta.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return mta;
}

/** Destroys the socket of one session (smtp-server keeps its connections in a set). */
function destroyConnection(server: SMTPServer, sessionId: string): void {
  const connections = (
    server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }
  ).connections;
  for (const c of connections) if (c.id === sessionId) c._socket.destroy();
}
