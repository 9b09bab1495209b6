import { ClientCredentials, type Credentials, StaticToken } from './auth.js';
import { connectionError, errorFromResponse, JdMailError, RateLimitError } from './errors.js';
import { backoffMs, parseRetryAfter, RETRYABLE_STATUSES } from './retry.js';

interface CommonOptions {
  /** Where the server is, e.g. `https://mail.example.com` (the `/api/v1` prefix is added). */
  baseUrl: string;
  /** A fetch implementation; default the global one. */
  fetch?: typeof fetch;
  /** Retries after 429/503 and, for idempotent requests, after network errors. Default 2. */
  maxRetries?: number;
  /** Per-attempt timeout in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** Longest wait before a retry, also for `Retry-After`; longer asks fail at once. Default 30 000. */
  maxRetryDelayMs?: number;
  /** How the client waits between retries; replace it in tests. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock app tokens are renewed by (epoch ms); replace it in tests. */
  now?: () => number;
}

/** Authenticate with an API key. */
export interface ApiKeyAuth {
  /** An API key (`jdk_…`), sent as `Authorization: Bearer`. */
  token: string;
  clientId?: never;
  clientSecret?: never;
  scopes?: never;
}

/**
 * Authenticate as a registered app (OAuth 2.0 client credentials): the
 * client fetches an access token, caches it and renews it before it
 * expires. For servers only: a browser must never hold a client secret.
 */
export interface AppAuth {
  /** The app's client id (`jdc_…`). */
  clientId: string;
  /** The app's client secret (`jds_…`). */
  clientSecret: string;
  /** Ask for fewer scopes than the app holds; default all of them. */
  scopes?: string[];
  token?: never;
}

/** Options of {@link JdMail}; see there. Give either `token`, or `clientId` and `clientSecret`. */
export type ClientOptions = CommonOptions & (ApiKeyAuth | AppAuth);

export type QueryValue = string | number | boolean | undefined;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under `/api/v1`, already URL-encoded. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** A body sent as it is rather than as JSON (an upload), with its type. */
  rawBody?: { data: Uint8Array | ArrayBuffer | Blob; contentType: string };
  /** Safe to send twice (GET, PUT and DELETE are, RFC 9110 §9.2.2; a POST that only reads may say so). */
  idempotent?: boolean;
  /**
   * An `Idempotency-Key` for a request that changes something: the server runs it once however
   * often it arrives, so it is retried after network errors, and while the server still runs an
   * earlier attempt (409 IDEMPOTENCY_KEY_IN_USE).
   */
  idempotencyKey?: string;
  /** More request headers (`Last-Event-ID`). */
  headers?: Record<string, string>;
  /** Aborts the request, and the reading of its body (event streams). */
  signal?: AbortSignal;
}

const BASE_DELAY_MS = 500;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * @internal
 * The transport: URL building, auth, timeouts, retries, error mapping.
 * Uses only `fetch`, `URL` and `AbortController`, so it runs in Node ≥ 18
 * and in browsers.
 */
export class HttpClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly maxRetryDelayMs: number;
  /** How the client waits (between retries, and for pollers such as `directory.waitForSync`). */
  readonly sleep: (ms: number) => Promise<void>;
  private readonly credentials: Credentials;

  constructor(options: ClientOptions) {
    if (!options.baseUrl) throw new TypeError('JdMail: baseUrl is required');
    const root = options.baseUrl.replace(/\/+$/, '');
    this.base = `${root}/api/v1`;
    // Bound so a method-less call (`fetch(...)` detached from window) works in browsers.
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.maxRetries = options.maxRetries ?? 2;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
    this.sleep = options.sleep ?? defaultSleep;
    this.credentials = credentialsFrom(options, root, this.fetch, this.timeoutMs);
  }

  /** Sends the request and parses the JSON answer; `undefined` for 204. */
  async json<T>(request: HttpRequest): Promise<T> {
    const res = await this.send(request, 'application/json');
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  /**
   * Sends the request and returns the successful response for the caller to
   * read. With app credentials, a 401 renews the token and sends once more.
   */
  async send(request: HttpRequest, accept: string): Promise<Response> {
    const url = this.url(request);
    const idempotent =
      request.idempotent ??
      (request.idempotencyKey !== undefined ||
        request.method === 'GET' ||
        request.method === 'PUT' ||
        request.method === 'DELETE');
    let reauthenticated = false;
    for (let retries = 0; ; ) {
      const retriesLeft = retries < this.maxRetries;
      let authorization: string;
      try {
        authorization = await this.credentials.authorization();
      } catch (error) {
        // No token: nothing was sent, so any request may wait and ask again if the cause passes.
        const wait = transientWait(error, retries, this.maxRetryDelayMs);
        if (!retriesLeft || wait === null || wait > this.maxRetryDelayMs) throw error;
        await this.sleep(wait);
        retries++;
        continue;
      }
      let res: Response;
      try {
        res = await this.attempt(url, request, accept, authorization);
      } catch (error) {
        if (!(idempotent && retriesLeft) || request.signal?.aborted) throw error;
        await this.sleep(backoffMs(retries, BASE_DELAY_MS, this.maxRetryDelayMs));
        retries++;
        continue;
      }
      if (res.ok) return res;
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      const error = errorFromResponse(res.status, await readBody(res), retryAfterMs);
      // A refused app token (expired early, revoked key, rotated secret): the server did not act; renew once.
      if (res.status === 401 && !reauthenticated && this.credentials.rejected(authorization)) {
        reauthenticated = true;
        continue;
      }
      // An earlier attempt with the same key is still running (its response was lost): ask again.
      const keyInUse = request.idempotencyKey !== undefined && error.code === 'IDEMPOTENCY_KEY_IN_USE';
      if (!(RETRYABLE_STATUSES.has(res.status) || keyInUse) || !retriesLeft) throw error;
      const wait = retryAfterMs ?? backoffMs(retries, BASE_DELAY_MS, this.maxRetryDelayMs);
      // A server asking for a longer pause than we allow is better answered now than after a hang.
      if (wait > this.maxRetryDelayMs) throw error;
      await this.sleep(wait);
      retries++;
    }
  }

  private url(request: HttpRequest): string {
    const url = new URL(this.base + request.path);
    for (const [k, v] of Object.entries(request.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    return url.toString();
  }

  private async attempt(
    url: string,
    request: HttpRequest,
    accept: string,
    authorization: string,
  ): Promise<Response> {
    const headers: Record<string, string> = { ...request.headers, authorization, accept };
    if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
    // No Content-Type without a body: the server rejects an empty JSON body.
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.rawBody !== undefined) headers['content-type'] = request.rawBody.contentType;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const stop = () => controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', stop, { once: true });
    if (request.signal?.aborted) stop();
    try {
      return await this.fetch(url, {
        method: request.method,
        headers,
        body:
          request.rawBody !== undefined
            ? (request.rawBody.data as Blob)
            : request.body === undefined
              ? undefined
              : JSON.stringify(request.body),
        signal: controller.signal,
      });
    } catch (error) {
      if (error instanceof JdMailError || request.signal?.aborted) throw error;
      if (controller.signal.aborted) {
        throw connectionError('TIMEOUT', `No response within ${this.timeoutMs} ms`, error);
      }
      throw connectionError('NETWORK_ERROR', `Request failed: ${(error as Error)?.message ?? error}`, error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** An error response's body: the problem JSON, or null when there is none or it is not JSON. */
async function readBody(res: Response): Promise<unknown> {
  try {
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function credentialsFrom(
  options: ClientOptions,
  baseUrl: string,
  fetch: typeof globalThis.fetch,
  timeoutMs: number,
): Credentials {
  if (options.token !== undefined && options.clientId !== undefined) {
    throw new TypeError('JdMail: give either token or clientId/clientSecret, not both');
  }
  if (options.clientId !== undefined || options.clientSecret !== undefined) {
    if (!options.clientId || !options.clientSecret) {
      throw new TypeError('JdMail: clientId and clientSecret are both required');
    }
    return new ClientCredentials({
      baseUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      scopes: options.scopes,
      fetch,
      timeoutMs,
      now: options.now ?? Date.now,
    });
  }
  if (!options.token) throw new TypeError('JdMail: token (or clientId and clientSecret) is required');
  return new StaticToken(options.token);
}

/** How long to wait before fetching a token again after `error`; null when waiting will not help. */
function transientWait(error: unknown, retries: number, capMs: number): number | null {
  if (!(error instanceof JdMailError)) return null;
  if (error instanceof RateLimitError) return error.retryAfterMs ?? backoffMs(retries, BASE_DELAY_MS, capMs);
  if (error.kind === 'connection' || error.status === 503) return backoffMs(retries, BASE_DELAY_MS, capMs);
  return null;
}
