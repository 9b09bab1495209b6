import type { Readable } from 'node:stream';

/** One message to one destination domain, as the queue worker hands it to the transport. */
export interface DeliveryJob {
  /** Destination domain (every recipient's domain). */
  domain: string;
  /** Envelope sender; '' is the null sender (bounces, RFC 5321 §4.5.5). */
  mailFrom: string;
  recipients: string[];
  /** Size in bytes of what `body()` yields (sent as SIZE=, checked against the peer's limit). */
  size: number;
  /** The envelope or the headers need SMTPUTF8 (RFC 6531). */
  smtputf8: boolean;
  /** The bytes to send, CRLF line ends, DKIM-Signature already prepended by the worker; called once per attempt. */
  body(): Readable;
  /** For logs only. */
  id: string;
}

/** What became of one recipient in one attempt. */
export interface RecipientResult {
  address: string;
  status: 'delivered' | 'deferred' | 'failed';
  /** The remote's reply code, or null when no reply was had (connection, DNS, local checks use their own). */
  code: number | null;
  /** RFC 3463 enhanced status code ("5.1.1"), when the reply carried one or we chose one. */
  enhanced: string | null;
  /** The remote's reply text, or why there was none. */
  response: string;
  /** The MX host (or smarthost) that answered, when one was reached. */
  remoteHost: string | null;
}

/** The result of one delivery attempt. */
export interface DeliveryResult {
  recipients: RecipientResult[];
  /** The message went over TLS. */
  tls: boolean;
}

/**
 * What the queue worker calls. Never throws for a remote failure: every
 * recipient comes back with a status (connection refused → all deferred with
 * the reason; null MX → failed 5.1.10; NXDOMAIN → failed; SERVFAIL/timeout → deferred).
 */
export interface Transport {
  deliver(job: DeliveryJob, signal?: AbortSignal): Promise<DeliveryResult>;
  /** Closes idle connections and refuses new work. */
  close(): Promise<void>;
}
