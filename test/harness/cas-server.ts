import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A CAS server for tests. No CAS server can be installed here, so this one
 * stands in, written from the Apereo "CAS Protocol 3.0 Specification", not
 * from jdmail's expectations (section numbers below are the spec's):
 *
 * - `/login` (§2.1, §2.2): a credential form; a ticket-granting cookie gives
 *   single sign-on; `renew` forces the form, `gateway` never shows it and
 *   returns to the service without a ticket when there is no SSO session.
 * - Service tickets (§3.1): start with `ST-`, are valid for ONE validation
 *   attempt, are bound to the service they were issued for, and expire
 *   (`ticketTtlMs`, the spec recommends ≤ 5 minutes; default 10 s here).
 * - `/p3/serviceValidate` (§2.8, §2.5): XML by default, JSON with
 *   `format=JSON`; the failure codes of §2.5.3; `renew=true` refuses tickets
 *   that came from an SSO session (§2.5.1); attributes as in §2.8.2.
 * - `/logout` (§2.3) ends the SSO session and, per Appendix C, POSTs a SAML
 *   `LogoutRequest` whose `SessionIndex` is the service ticket to every
 *   service that received a ticket in that session.
 */

export interface CasAccount {
  username: string;
  password: string;
  attributes?: Record<string, string | string[]>;
}

export interface CasServerOptions {
  accounts: CasAccount[];
  ticketTtlMs?: number;
}

export interface CasServer {
  /** Base URL, e.g. `http://127.0.0.1:PORT/cas`. */
  url: string;
  /** Every validation answered, in order (for assertions). */
  validations: { ticket: string; service: string; result: string }[];
  /** Single-logout POSTs sent and the HTTP status each service answered. */
  logouts: { service: string; ticket: string; status: number }[];
  /** Ends the SSO session of `username` as `/logout` would (Appendix C back-channel POSTs). */
  logoutUser(username: string): Promise<void>;
  close(): Promise<void>;
}

interface Ticket {
  id: string;
  service: string;
  username: string;
  fromNewLogin: boolean;
  expiresAt: number;
  tgt: string;
}

interface Tgt {
  id: string;
  username: string;
  authenticatedAt: Date;
  /** Service tickets issued under this SSO session, for single logout. */
  issued: { service: string; ticket: string }[];
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
const token = (prefix: string) => `${prefix}-${randomBytes(18).toString('base64url')}`;

export async function startCasServer(options: CasServerOptions): Promise<CasServer> {
  const ttl = options.ticketTtlMs ?? 10_000;
  const accounts = new Map(options.accounts.map((a) => [a.username, a]));
  const tickets = new Map<string, Ticket>();
  const tgts = new Map<string, Tgt>();
  const validations: CasServer['validations'] = [];
  const logouts: CasServer['logouts'] = [];

  const issue = (tgt: Tgt, service: string, fromNewLogin: boolean): string => {
    const id = token('ST');
    tickets.set(id, {
      id,
      service,
      username: tgt.username,
      fromNewLogin,
      expiresAt: Date.now() + ttl,
      tgt: tgt.id,
    });
    tgt.issued.push({ service, ticket: id });
    return id;
  };
  const withTicket = (service: string, ticket: string) => {
    const url = new URL(service);
    url.searchParams.set('ticket', ticket);
    return url.toString();
  };

  const endSession = async (tgt: Tgt) => {
    tgts.delete(tgt.id);
    for (const { service, ticket } of tgt.issued) {
      const logoutRequest =
        `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ` +
        `xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${token('LR')}" Version="2.0" ` +
        `IssueInstant="${new Date().toISOString()}"><saml:NameID>@NOT_USED@</saml:NameID>` +
        `<samlp:SessionIndex>${esc(ticket)}</samlp:SessionIndex></samlp:LogoutRequest>`;
      let status = 0;
      try {
        const res = await fetch(service, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ logoutRequest }).toString(),
          redirect: 'manual',
        });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = -1;
      }
      logouts.push({ service, ticket, status });
    }
  };

  const loginForm = (res: ServerResponse, params: URLSearchParams, error?: string) => {
    const hidden = ['service', 'renew']
      .filter((k) => params.has(k))
      .map((k) => `<input type="hidden" name="${k}" value="${esc(params.get(k) ?? '')}">`)
      .join('');
    res.writeHead(error ? 401 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>CAS login</title><h1>Central Authentication Service</h1>` +
        (error ? `<p role="alert">${esc(error)}</p>` : '') +
        `<form method="post" action="login">${hidden}` +
        `<label>Username <input name="username" autocomplete="username"></label>` +
        `<label>Password <input name="password" type="password" autocomplete="current-password"></label>` +
        `<button type="submit">Log in</button></form>`,
    );
  };

  const redirect = (res: ServerResponse, location: string, cookie?: string) => {
    res.writeHead(302, { location, ...(cookie ? { 'set-cookie': cookie } : {}) });
    res.end();
  };

  const tgtOf = (req: IncomingMessage): Tgt | undefined => {
    const match = /(?:^|;\s*)CASTGC=([^;]+)/.exec(req.headers.cookie ?? '');
    return match ? tgts.get(match[1] ?? '') : undefined;
  };

  const validate = (params: URLSearchParams): string => {
    const service = params.get('service');
    const ticketId = params.get('ticket');
    const json = params.get('format') === 'JSON';
    const fail = (code: string, description: string) => {
      validations.push({ ticket: ticketId ?? '', service: service ?? '', result: code });
      return json
        ? JSON.stringify({ serviceResponse: { authenticationFailure: { code, description } } })
        : `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">` +
            `<cas:authenticationFailure code="${code}">${esc(description)}</cas:authenticationFailure>` +
            `</cas:serviceResponse>`;
    };
    // §2.5.3: INVALID_REQUEST when a required parameter is missing.
    if (!service || !ticketId)
      return fail('INVALID_REQUEST', "'service' and 'ticket' parameters are both required");
    const ticket = tickets.get(ticketId);
    // §3.1.1: a service ticket is valid for one validation attempt, whatever its outcome.
    tickets.delete(ticketId);
    if (!ticket || !ticketId.startsWith('ST-'))
      return fail('INVALID_TICKET', `Ticket ${ticketId} not recognized`);
    if (ticket.expiresAt < Date.now()) return fail('INVALID_TICKET', `Ticket ${ticketId} has expired`);
    // §2.5.1: the service must match the one the ticket was issued for.
    if (ticket.service !== service)
      return fail('INVALID_SERVICE', `Ticket ${ticketId} does not match the service`);
    // §2.5.1: with renew, only a ticket issued from primary credentials validates.
    if (params.get('renew') === 'true' && !ticket.fromNewLogin) {
      return fail('INVALID_TICKET_SPEC', 'Ticket was not issued from a new login');
    }
    const account = accounts.get(ticket.username);
    const tgt = tgts.get(ticket.tgt);
    const attributes: Record<string, string[]> = {
      authenticationDate: [(tgt?.authenticatedAt ?? new Date()).toISOString()],
      isFromNewLogin: [String(ticket.fromNewLogin)],
      longTermAuthenticationRequestTokenUsed: ['false'],
    };
    for (const [k, v] of Object.entries(account?.attributes ?? {}))
      attributes[k] = Array.isArray(v) ? v : [v];
    validations.push({ ticket: ticketId, service, result: 'OK' });
    if (json) {
      const flat = Object.fromEntries(
        Object.entries(attributes).map(([k, v]) => [k, v.length === 1 ? v[0] : v]),
      );
      return JSON.stringify({
        serviceResponse: { authenticationSuccess: { user: ticket.username, attributes: flat } },
      });
    }
    const attrs = Object.entries(attributes)
      .flatMap(([k, vs]) => vs.map((v) => `<cas:${k}>${esc(v)}</cas:${k}>`))
      .join('');
    return (
      `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess>` +
      `<cas:user>${esc(ticket.username)}</cas:user><cas:attributes>${attrs}</cas:attributes>` +
      `</cas:authenticationSuccess></cas:serviceResponse>`
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://cas.invalid');
    const path = url.pathname.replace(/^\/cas/, '');
    if (req.method === 'GET' && path === '/login') {
      const service = url.searchParams.get('service');
      const tgt = tgtOf(req);
      if (url.searchParams.get('renew') !== 'true' && tgt && service) {
        return redirect(res, withTicket(service, issue(tgt, service, false)));
      }
      // §2.1.1 gateway: never ask for credentials; go back without a ticket.
      if (url.searchParams.get('gateway') === 'true' && service && url.searchParams.get('renew') !== 'true') {
        return redirect(res, service);
      }
      return loginForm(res, url.searchParams);
    }
    if (req.method === 'POST' && path === '/login') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const account = accounts.get(form.get('username') ?? '');
      if (!account || account.password !== form.get('password')) {
        return loginForm(res, form, 'Invalid credentials.');
      }
      const tgt: Tgt = {
        id: token('TGT'),
        username: account.username,
        authenticatedAt: new Date(),
        issued: [],
      };
      tgts.set(tgt.id, tgt);
      const cookie = `CASTGC=${tgt.id}; Path=/cas; HttpOnly`;
      const service = form.get('service');
      if (!service) {
        res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': cookie });
        return res.end('<p>Log In Successful</p>');
      }
      return redirect(res, withTicket(service, issue(tgt, service, true)), cookie);
    }
    if (req.method === 'GET' && path === '/p3/serviceValidate') {
      const json = url.searchParams.get('format') === 'JSON';
      const body = validate(url.searchParams);
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/xml; charset=utf-8' });
      return res.end(body);
    }
    if (req.method === 'GET' && path === '/logout') {
      const tgt = tgtOf(req);
      if (tgt) await endSession(tgt);
      const service = url.searchParams.get('service');
      const clear = 'CASTGC=; Path=/cas; Max-Age=0';
      if (service) return redirect(res, service, clear);
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': clear });
      return res.end('<p>Logout successful</p>');
    }
    res.writeHead(404).end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/cas`,
    validations,
    logouts,
    async logoutUser(username) {
      for (const tgt of [...tgts.values()]) if (tgt.username === username) await endSession(tgt);
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
