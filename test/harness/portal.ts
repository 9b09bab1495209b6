import { readFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An intranet portal in front of jdmail, as a browser meets it: it serves its page and the SDK's
 * ESM file itself and passes `/api/` on to jdmail, so the page calls the API on its own origin
 * (no CORS). `rateLimitNext` makes the next API request answer 429 with `Retry-After`, once.
 */
export interface Portal {
  origin: string;
  /** `METHOD path` of every API request that reached the portal, in order. */
  apiRequests: string[];
  rateLimitNext(retryAfterSeconds: number): void;
  close(): Promise<void>;
}

/** The portal's page: its own script imports the SDK, as a web app's bundle would. */
const PORTAL_PAGE = `<!doctype html><html lang="en"><title>Portal</title><h1>Portal</h1>
<script type="module">import * as sdk from '/sdk/index.js'; window.jdmailSdk = sdk;</script></html>`;

export async function startPortal(sdkFile: string, upstream: string): Promise<Portal> {
  const sdk = await readFile(sdkFile);
  const target = new URL(upstream);
  const apiRequests: string[] = [];
  let retryAfter: number | undefined;
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PORTAL_PAGE);
      return;
    }
    if (url === '/sdk/index.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(sdk);
      return;
    }
    if (!url.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }
    apiRequests.push(`${req.method} ${url}`);
    if (retryAfter !== undefined) {
      res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': String(retryAfter) });
      res.end(JSON.stringify({ title: 'Too many requests', status: 429, code: 'RATE_LIMITED' }));
      retryAfter = undefined;
      req.resume();
      return;
    }
    const headers = { ...req.headers, host: target.host };
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: url, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(forward);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    apiRequests,
    rateLimitNext: (seconds) => {
      retryAfter = seconds;
    },
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
