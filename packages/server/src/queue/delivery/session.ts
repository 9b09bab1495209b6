import type { TLSSocket } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Poolable } from './pool.js';

/**
 * How a connection uses TLS: `opportunistic` — STARTTLS when offered, a
 * certificate that does not verify still used (better than plain text, as
 * Postfix's "may" level), plain text if the handshake fails; `required` —
 * STARTTLS must succeed; `implicit` — TLS from the first byte (port 465).
 * `verify` — the certificate must verify for `servername` (MTA-STS enforce,
 * a smarthost with requireTls).
 */
export interface SessionTarget {
  address: string;
  port: number;
  /** The host name: SNI, certificate verification, logs. */
  servername: string;
  tls: 'opportunistic' | 'required' | 'implicit';
  verify: boolean;
  auth?: { user: string; pass: string } | undefined;
  /** Trusted CAs when verifying, if not only the system's (PEM). */
  ca?: string[] | undefined;
}

/** Timeouts and the EHLO name. */
export interface SessionSettings {
  heloName: string;
  connectTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
}

/** Reads what nodemailer learnt from EHLO; it keeps this in fields its types do not declare. */
interface ConnectionInternals {
  _supportedExtensions?: string[];
  _maxAllowedSize?: number;
  _socket?: TLSSocket | false | null;
  /** false between transactions at run time; `?.` reads that as absent. */
  _envelope?: { accepted?: string[]; rejectedErrors?: { recipient?: string; response?: string }[] } | null;
}

/** An open, greeted (and, when asked, authenticated) SMTP client connection. */
export class SmtpSession implements Poolable {
  /** Messages sent over this connection. */
  messages = 0;
  private ended = false;
  private readonly closeListeners: (() => void)[] = [];

  private constructor(
    readonly conn: SMTPConnection,
    readonly target: SessionTarget,
  ) {
    const ended = () => {
      if (this.ended) return;
      this.ended = true;
      for (const listener of this.closeListeners.splice(0)) listener();
    };
    // An error closes the connection; the failing call reports it, the event must not go unheard.
    conn.on('error', ended);
    conn.on('end', ended);
  }

  /**
   * Connects, reads the greeting, sends EHLO, upgrades with STARTTLS as the
   * target's TLS mode says, and logs in when `auth` is given. In opportunistic
   * mode a failed TLS handshake is retried once in plain text.
   */
  static async open(target: SessionTarget, settings: SessionSettings): Promise<SmtpSession> {
    try {
      return await SmtpSession.connect(target, settings, false);
    } catch (err) {
      if (target.tls !== 'opportunistic' || (err as { code?: string }).code !== 'ETLS') throw err;
      return SmtpSession.connect(target, settings, true);
    }
  }

  private static connect(
    target: SessionTarget,
    settings: SessionSettings,
    plain: boolean,
  ): Promise<SmtpSession> {
    const conn = new SMTPConnection({
      host: target.address,
      port: target.port,
      servername: target.servername,
      secure: target.tls === 'implicit',
      requireTLS: target.tls === 'required',
      opportunisticTLS: target.tls === 'opportunistic',
      ignoreTLS: plain,
      name: settings.heloName,
      connectionTimeout: settings.connectTimeoutMs,
      greetingTimeout: settings.greetingTimeoutMs,
      socketTimeout: settings.socketTimeoutMs,
      tls: {
        rejectUnauthorized: target.verify,
        servername: target.servername,
        ...(target.ca ? { ca: target.ca } : {}),
      },
      logger: false,
    });
    const session = new SmtpSession(conn, target);
    return new Promise((resolve, reject) => {
      // nodemailer reports most connect failures (refused, TLS, timeout) as an 'error' event, not to the callback.
      conn.once('error', reject);
      conn.connect((err) => {
        if (err) return reject(err);
        if (!target.auth) return resolve(session);
        conn.login({ credentials: { user: target.auth.user, pass: target.auth.pass } }, (loginErr) => {
          if (loginErr) {
            conn.close();
            return reject(loginErr);
          }
          resolve(session);
        });
      });
    });
  }

  get usable(): boolean {
    return !this.ended;
  }

  /** The connection is encrypted (STARTTLS or implicit TLS). */
  get tls(): boolean {
    return this.conn.secure;
  }

  /** The peer's certificate verified for its name. */
  get tlsVerified(): boolean {
    const socket = (this.conn as unknown as ConnectionInternals)._socket;
    return this.conn.secure && !!socket && socket.authorized === true;
  }

  /** EHLO keywords (upper case) of the session as it stands (after STARTTLS, the second EHLO's). */
  get extensions(): string[] {
    return (this.conn as unknown as ConnectionInternals)._supportedExtensions ?? [];
  }

  /** The peer's SIZE limit (RFC 1870), 0 when it announced none. */
  get maxSize(): number {
    return (this.conn as unknown as ConnectionInternals)._maxAllowedSize ?? 0;
  }

  /** Per-recipient RCPT refusals of the transaction in progress (kept when the connection drops later). */
  rcptRefusals(): Map<string, string> {
    const envelope = (this.conn as unknown as ConnectionInternals)._envelope;
    const out = new Map<string, string>();
    for (const e of envelope?.rejectedErrors ?? []) {
      if (e.recipient && e.response) out.set(e.recipient, e.response);
    }
    return out;
  }

  /** RSET (RFC 5321 §4.1.1.5) so the next message starts a clean transaction on this connection. */
  reset(): Promise<void> {
    return new Promise((resolve, reject) => this.conn.reset((err) => (err ? reject(err) : resolve())));
  }

  /** QUIT and close. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.conn.quit();
    } catch {
      this.conn.close();
    }
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  onClosed(listener: () => void): void {
    if (this.ended) listener();
    else this.closeListeners.push(listener);
  }
}
