import { request as httpRequest } from 'node:http';

/**
 * A small browser stand-in for HTTP-level tests of web flows: a cookie jar
 * (per host, honouring Path, Max-Age and Expires, like a browser — cookies
 * do not isolate by port) and requests that never follow redirects, so a
 * test sees and follows each redirect itself. Built on node:http so a
 * client can come from another loopback address (`localAddress`,
 * 127.0.0.2 …) and look like another machine to the server.
 */

interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expires: number | null;
  attributes: string;
}

export interface WebResponse {
  status: number;
  url: string;
  headers: Headers;
  /** The absolute Location of a redirect, else null. */
  location: string | null;
  text: string;
  json<T = unknown>(): T;
}

export class WebClient {
  private readonly cookies = new Map<string, StoredCookie>();

  constructor(private readonly options: { localAddress?: string; userAgent?: string } = {}) {}

  /** Every cookie currently held for `url`, as the Cookie header would send them. */
  cookieHeader(url: string): string {
    const u = new URL(url);
    const now = Date.now();
    return [...this.cookies.values()]
      .filter((c) => c.host === u.hostname && pathMatches(u.pathname, c.path))
      .filter((c) => c.expires === null || c.expires > now)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** The raw Set-Cookie attributes last received for a cookie (to check HttpOnly, SameSite …). */
  cookie(name: string): StoredCookie | undefined {
    return [...this.cookies.values()].find((c) => c.name === name);
  }

  /** Adds or replaces a cookie by hand (e.g. to replay an old one). */
  setCookie(url: string, name: string, value: string, path = '/'): void {
    const host = new URL(url).hostname;
    this.cookies.set(`${host};${path};${name}`, { name, value, host, path, expires: null, attributes: '' });
  }

  async request(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string | URLSearchParams } = {},
  ): Promise<WebResponse> {
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent ?? 'jdmail-e2e/1.0',
      ...init.headers,
    };
    const cookie = this.cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.body instanceof URLSearchParams) {
      body = init.body.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else body = init.body;
    const res = await send(url, init.method ?? 'GET', headers, body, this.options.localAddress);
    for (const line of res.setCookie) this.store(url, line);
    const location = res.headers.get('location');
    return {
      status: res.status,
      url,
      headers: res.headers,
      location: location === null ? null : new URL(location, url).toString(),
      text: res.text,
      json: <T>() => JSON.parse(res.text) as T,
    };
  }

  get(url: string, headers?: Record<string, string>): Promise<WebResponse> {
    return this.request(url, { headers });
  }

  postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<WebResponse> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  postForm(url: string, fields: Record<string, string>): Promise<WebResponse> {
    return this.request(url, { method: 'POST', body: new URLSearchParams(fields) });
  }

  /** Follows redirects (GET) until a non-redirect answer or `until` says stop; returns every hop. */
  async follow(
    first: WebResponse,
    until: (res: WebResponse) => boolean = () => false,
    maxHops = 20,
  ): Promise<WebResponse[]> {
    const hops = [first];
    let res = first;
    while (res.location && !until(res)) {
      if (hops.length > maxHops) throw new Error(`more than ${maxHops} redirects from ${first.url}`);
      res = await this.get(res.location);
      hops.push(res);
    }
    return hops;
  }

  private store(url: string, line: string): void {
    const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const u = new URL(url);
    let path = u.pathname.replace(/\/[^/]*$/, '') || '/';
    let expires: number | null = null;
    for (const a of attrs) {
      const [k = '', v = ''] = a.split('=');
      const key = k.toLowerCase();
      if (key === 'path') path = v || '/';
      else if (key === 'max-age') expires = Date.now() + Number(v) * 1000;
      else if (key === 'expires' && expires === null) expires = Date.parse(v);
    }
    const id = `${u.hostname};${path};${name}`;
    if (expires !== null && expires <= Date.now()) this.cookies.delete(id);
    else this.cookies.set(id, { name, value, host: u.hostname, path, expires, attributes: attrs.join('; ') });
  }
}

const pathMatches = (requestPath: string, cookiePath: string) =>
  requestPath === cookiePath ||
  (requestPath.startsWith(cookiePath) &&
    (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'));

function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  localAddress: string | undefined,
): Promise<{ status: number; headers: Headers; setCookie: string[]; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (k === 'set-cookie' || v === undefined) continue;
          out.set(k, Array.isArray(v) ? v.join(', ') : v);
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: out,
          setCookie: res.headers['set-cookie'] ?? [],
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
