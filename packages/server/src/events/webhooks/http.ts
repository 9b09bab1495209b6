/**
 * One webhook request: POST the body with its signature headers and say how
 * it went. Never throws for the endpoint's failures (refused, timeout,
 * 5xx, a blocked address): they are results, recorded and retried.
 *
 * undici's own `request`, not `fetch`: it follows no redirects (a 3xx is a
 * failure — following one would let a public URL send us to a private
 * one), it takes a `lookup` that the SSRF guard wraps, and it keeps
 * connections alive per origin, which a steady stream of events needs.
 */
import { Agent, request } from 'undici';
import { checkLiteralHost, guardedLookup } from './ssrf.js';

/** How much of an answer's body is kept for the attempt log. */
export const RESPONSE_EXCERPT_BYTES = 1024;
/** Read at most this much of an answer before dropping the connection (a hostile endpoint may stream forever). */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface PostResult {
  ok: boolean;
  status: number | null;
  durationMs: number;
  /** Why it failed, for the attempt log (no secrets: the URL's host at most). */
  error: string | null;
  /** The start of the answer's body, as text. */
  response: string | null;
}

export interface WebhookHttp {
  post(url: string, body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<PostResult>;
  close(): Promise<void>;
}

export interface WebhookHttpOptions {
  timeoutMs: number;
  allowPrivateTargets: boolean;
  userAgent: string;
}

export function createWebhookHttp(options: WebhookHttpOptions): WebhookHttp {
  const agent = new Agent({
    connect: { lookup: guardedLookup(options.allowPrivateTargets), timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 30_000,
    connections: 4,
  });

  async function post(
    url: string,
    body: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<PostResult> {
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    try {
      checkLiteralHost(new URL(url), options.allowPrivateTargets);
      // The timeout is the agent's (connect, headers, each pause in the body): a timer and an
      // AbortSignal.any per request cost more than the rest of a delivery (measured 0.1 ms).
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        ...(signal ? { signal } : {}),
        headers: {
          'content-type': 'application/cloudevents+json; charset=utf-8',
          'user-agent': options.userAgent,
          ...headers,
        },
        body,
      });
      const response = await readExcerpt(res.body);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return {
        ok,
        status: res.statusCode,
        durationMs: took(),
        error: ok ? null : `HTTP ${res.statusCode}`,
        response,
      };
    } catch (err) {
      return { ok: false, status: null, durationMs: took(), error: describe(err), response: null };
    }
  }

  return { post, close: () => agent.close() };
}

/** The start of a body as text; the rest is read and dropped up to a bound, so the connection can be reused. */
async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      break;
    }
  }
  if (size === 0) return null;
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
}

/** undici's timeouts: connecting, waiting for the headers, a pause in the body. */
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const inner = e.cause ?? e;
  if (TIMEOUT_CODES.has(inner.code ?? '') || TIMEOUT_CODES.has(e.code ?? '')) return 'timed out';
  if (inner.code === 'WEBHOOK_TARGET_REFUSED') return inner.message ?? 'target refused';
  const code = inner.code ?? e.code;
  const message = (inner.message ?? e.message ?? 'request failed').slice(0, 300);
  return code ? `${code}: ${message}` : message;
}
