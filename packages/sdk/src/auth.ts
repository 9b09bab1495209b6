import { connectionError, errorFromResponse, JdMailError } from './errors.js';
import { parseRetryAfter } from './retry.js';

/** How requests are authorised: a fixed API key, or app tokens fetched with client credentials. */
export interface Credentials {
  /** The `Authorization` header value for the next request. */
  authorization(): Promise<string>;
  /**
   * Called after the server answered 401 to a request sent with `used`.
   * Returns true when asking again may succeed (a new token will be fetched).
   */
  rejected(used: string): boolean;
}

/** An API key (`jdk_…`): sent as it is; a 401 means the key is wrong, and asking again will not help. */
export class StaticToken implements Credentials {
  private readonly header: string;
  constructor(token: string) {
    this.header = `Bearer ${token}`;
  }
  async authorization(): Promise<string> {
    return this.header;
  }
  rejected(): boolean {
    return false;
  }
}

export interface ClientCredentialsOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  scopes?: string[];
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
}

interface Token {
  header: string;
  /** Fetch a new one from then on. */
  refreshAt: number;
}

/** A token is renewed this long before it expires (at most a fifth of its lifetime), so none expires in flight. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * App tokens from the OAuth 2.0 client credentials grant (RFC 6749 §4.4)
 * at `POST /api/v1/oauth/token`. The token is cached and renewed shortly
 * before it expires, or at once when the server refuses it (say, after a
 * key or secret rotation). However many requests need a token at the same
 * moment, one token request is made (single flight).
 */
export class ClientCredentials implements Credentials {
  private token: Token | undefined;
  private inflight: Promise<Token> | undefined;
  private readonly endpoint: string;
  private readonly basic: string;

  constructor(private readonly options: ClientCredentialsOptions) {
    this.endpoint = `${options.baseUrl}/api/v1/oauth/token`;
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before they become the Basic user and password.
    const user = formEncode(options.clientId);
    this.basic = `Basic ${btoa(`${user}:${formEncode(options.clientSecret)}`)}`;
  }

  async authorization(): Promise<string> {
    const token = this.token;
    if (token && this.options.now() < token.refreshAt) return token.header;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return (await this.inflight).header;
  }

  rejected(used: string): boolean {
    // Drop the token only if it is the one refused: another request may already have renewed it.
    if (this.token?.header === used) this.token = undefined;
    return true;
  }

  private async fetchToken(): Promise<Token> {
    const started = this.options.now();
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.options.scopes?.length) body.set('scope', this.options.scopes.join(' '));
    const res = await this.post(body.toString());
    const payload = (await readJson(res)) as Record<string, unknown> | null;
    if (!res.ok) {
      throw errorFromResponse(
        res.status,
        oauthProblem(res.status, payload),
        parseRetryAfter(res.headers.get('retry-after')),
      );
    }
    const accessToken = payload?.access_token;
    const expiresIn = payload?.expires_in;
    if (typeof accessToken !== 'string' || typeof expiresIn !== 'number' || expiresIn <= 0) {
      throw errorFromResponse(
        502,
        { code: 'INVALID_TOKEN_RESPONSE', detail: 'The token endpoint sent no usable token' },
        null,
      );
    }
    const lifetimeMs = expiresIn * 1000;
    const token = {
      header: `Bearer ${accessToken}`,
      refreshAt: started + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 5),
    };
    this.token = token;
    return token;
  }

  private async post(body: string): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      return await this.options.fetch(this.endpoint, {
        method: 'POST',
        headers: {
          authorization: this.basic,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
        signal: controller.signal,
      });
    } catch (error) {
      if (error instanceof JdMailError) throw error;
      if (controller.signal.aborted) {
        throw connectionError('TIMEOUT', `No token within ${this.options.timeoutMs} ms`, error);
      }
      throw connectionError(
        'NETWORK_ERROR',
        `Token request failed: ${(error as Error)?.message ?? error}`,
        error,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

const formEncode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');

async function readJson(res: Response): Promise<unknown> {
  try {
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/**
 * An OAuth error response (RFC 6749 §5.2) in the shape the SDK's errors
 * read: its `error` (`invalid_client`, `invalid_scope` …) becomes the code.
 */
function oauthProblem(status: number, payload: Record<string, unknown> | null) {
  const error = typeof payload?.error === 'string' ? payload.error : `HTTP_${status}`;
  const description = typeof payload?.error_description === 'string' ? payload.error_description : undefined;
  return {
    code: error,
    title: error,
    detail: description ?? `The token endpoint answered ${status} (${error})`,
  };
}
