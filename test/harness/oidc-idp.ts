import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importJWK, type JWTPayload, SignJWT } from 'jose';
import Provider, { type Adapter, type AdapterPayload, type ClientMetadata } from 'oidc-provider';

/**
 * A real OpenID Provider for tests: the certified `oidc-provider` package on
 * a free loopback port, with its own HTML login form (fields `login` and
 * `password`, button "Sign in"), consent granted automatically (the clients
 * are first-party), RP-initiated logout, and Back-Channel Logout 1.0.
 */
export interface OidcIdpOptions {
  clients: ClientMetadata[];
  accounts: {
    id: string;
    email: string;
    password: string;
    name?: string;
    /** Default: the account id. */
    preferredUsername?: string;
    /** Extra claims released with the `profile` scope (for custom claim mapping). */
    claims?: Record<string, unknown>;
  }[];
  /** Shown on the login page. */
  title?: string;
  /** Put email, profile … claims in the ID token too (default: only behind userinfo, oidc-provider's default). */
  claimsInIdToken?: boolean;
}

export interface OidcIdp {
  issuer: string;
  close(): Promise<void>;
  /**
   * Ends every IdP session of the account and has oidc-provider itself send
   * a logout token (signed with the IdP's key) to each client the session
   * signed in to. Rejects when a client does not answer 200/204.
   */
  backchannelLogout(accountId: string): Promise<void>;
  /** Every logout token the IdP sent, in order (for replay tests). */
  readonly logoutTokens: string[];
  /** Signs a JWT with the IdP's own signing key (for tests of tokens the IdP would never issue). */
  sign(payload: JWTPayload, header?: { typ?: string }): Promise<string>;
}

interface Stored {
  payload: AdapterPayload;
  expiresAt: number;
}

/** oidc-provider's storage, in a Map the harness can search (sessions by account). */
function mapAdapter(store: Map<string, Stored>) {
  return class MapAdapter implements Adapter {
    constructor(private readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`;
    }
    private entries(): [string, AdapterPayload][] {
      const now = Date.now();
      return [...store.entries()]
        .filter(([k, v]) => k.startsWith(`${this.model}:`) && v.expiresAt > now)
        .map(([k, v]) => [k, v.payload]);
    }
    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      store.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    }
    async find(id: string) {
      const e = store.get(this.key(id));
      return e && e.expiresAt > Date.now() ? e.payload : undefined;
    }
    async findByUid(uid: string) {
      return this.entries().find(([, p]) => p.uid === uid)?.[1];
    }
    async findByUserCode(userCode: string) {
      return this.entries().find(([, p]) => p.userCode === userCode)?.[1];
    }
    async consume(id: string) {
      const e = store.get(this.key(id));
      if (e) e.payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [k, v] of store) if (v.payload.grantId === grantId) store.delete(k);
    }
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(title: string, uid: string, error?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} — sign in</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
  <label>Username <input name="login" autocomplete="username" autofocus></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"></label>
  <button type="submit">Sign in</button>
</form>
</body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startOidcIdp(opts: OidcIdpOptions): Promise<OidcIdp> {
  const store = new Map<string, Stored>();
  const logoutTokens: string[] = [];
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(8).toString('hex');
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const accounts = new Map(opts.accounts.map((a) => [a.id, a]));
  const title = opts.title ?? 'Test Identity Provider';

  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: opts.clients,
    adapter: mapAdapter(store),
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: [
        'name',
        'preferred_username',
        ...new Set(opts.accounts.flatMap((a) => Object.keys(a.claims ?? {}))),
      ],
    },
    // oidc-provider's default (true) puts only `sub` & co. in the ID token of a
    // code flow and the scopes' claims behind userinfo; false puts them in the
    // ID token, as many IdPs do. Relying parties must handle both.
    conformIdTokenClaims: opts.claimsInIdToken !== true,
    findAccount: async (_ctx, id) => {
      const a = accounts.get(id);
      if (!a) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          email: a.email,
          email_verified: true,
          name: a.name ?? id,
          preferred_username: a.preferredUsername ?? id,
          ...a.claims,
        }),
      };
    },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} — sign out</title></head>
<body><h1>Sign out of ${escapeHtml(title)}?</h1>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button></body></html>`;
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head><body><h1>Signed out of ${escapeHtml(title)}</h1></body></html>`;
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    // The relying parties under test listen on loopback; the IdP's SSRF guard
    // (no requests to special-use addresses) would refuse them. Also record
    // each logout token sent, for replay tests.
    fetch: (url, options) => {
      const { dispatcher: _unused, ...rest } = options as RequestInit & { dispatcher?: unknown };
      if (rest.body instanceof URLSearchParams) {
        const token = rest.body.get('logout_token');
        if (token) logoutTokens.push(token);
      }
      return fetch(url, rest);
    },
  });

  const callback = provider.callback();
  handler = (req, res) => {
    interaction(req, res).catch((err: Error) => {
      res.statusCode = 500;
      res.end(`interaction failed: ${err.message}`);
    });
  };

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const m = /^\/interaction\/([^/?]+)(\/login)?/.exec(req.url ?? '');
    if (!m) return callback(req, res);
    const details = await provider.interactionDetails(req, res);
    const { prompt, params } = details;
    if (prompt.name === 'login') {
      if (req.method === 'POST' && m[2]) {
        const form = await readForm(req);
        const account = accounts.get(form.get('login') ?? '');
        if (!account || account.password !== form.get('password')) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(loginPage(title, details.uid, 'Wrong username or password.'));
          return;
        }
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: account.id } },
          {
            mergeWithLastSubmission: false,
          },
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginPage(title, details.uid));
      return;
    }
    // consent: first-party clients, granted without asking
    const accountId = details.session?.accountId as string;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: params.client_id as string });
    if (!grant) throw new Error('grant not found');
    const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  const signingKey = await importJWK(jwk, 'RS256');

  return {
    issuer,
    logoutTokens,
    async backchannelLogout(accountId) {
      const sessions = [...store.entries()].filter(
        ([k, v]) => k.startsWith('Session:') && v.payload.accountId === accountId && v.expiresAt > Date.now(),
      );
      if (sessions.length === 0) throw new Error(`account ${accountId} has no IdP session`);
      for (const [key, { payload }] of sessions) {
        const authorizations = (payload.authorizations ?? {}) as Record<string, { sid?: string }>;
        for (const [clientId, { sid }] of Object.entries(authorizations)) {
          // The same call oidc-provider makes when a session ends at its end_session endpoint.
          const client = (await provider.Client.find(clientId)) as unknown as {
            backchannelLogoutUri?: string;
            backchannelLogout(sub: string, sid: string | undefined): Promise<void>;
          } | null;
          if (client?.backchannelLogoutUri) await client.backchannelLogout(accountId, sid);
        }
        store.delete(key);
      }
    },
    async sign(payload, header = {}) {
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid, typ: header.typ ?? 'logout+jwt' })
        .sign(signingKey);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
