import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pool, type Req, send } from './authz/http.js';
import { RULES } from './authz/rules/index.js';
import { coverageProblems, matrixTasks, type OpenApiDoc } from './authz/run.js';
import { type Principal, seedWorld, type World } from './authz/world.js';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { startServer, type TestServer } from './harness/server.js';

// The authorization matrix: every operation of the OpenAPI document, as
// every kind of caller (system admin, domain admin and plain user of a.test
// over HTTP Basic and the webmail cookie — with and without its CSRF token —,
// API key and app token restricted to a.test, keys unrestricted with every
// scope or with one unrelated scope, no credentials), on objects of a.test
// and of b.test. Each answer is checked against the rule table in
// authz/rules/ (an operation without a rule fails the test), and each error
// answer to a write is checked to have changed nothing. Findings F1 and F12
// of issue 18 (tenant isolation) have their own cases below. Runs on SQLite
// and PostgreSQL; on PostgreSQL the domain admin and the plain user use only
// the cookie (a Basic request costs a scrypt, ~0.1 s of CPU; see principals.ts).

const databases = useDatabases();
const committed = JSON.parse(readFileSync(new URL('../openapi/jdmail-v1.json', import.meta.url), 'utf8'));

/** Requests run at once against the server: it and the test share two cores. */
const CONCURRENCY = 6;

describe('authorization matrix', () => {
  it('has a rule, with the same scope, for every operation of the committed OpenAPI document', () => {
    expect(coverageProblems(committed as OpenApiDoc, RULES)).toEqual([]);
  });

  describe.each(databases.engines)('on %s', (engine) => {
    let db: TestDatabase;
    let server: TestServer;
    let w: World;
    const as = (who: Principal, req: Req) => send(w.base, req, who.headers(req.method));
    /** The callers restricted to a.test: its key, its app's token, its domain admin. */
    const restricted = () =>
      w.principals.filter((p) => (p.kind === 'key' && p.domain === 'a') || p.role === 'domain_admin');

    beforeAll(async () => {
      db = await databases.fresh(engine);
      // Deliveries go to a closed port: queued entries wait (deferred) while the matrix looks at them.
      server = await startServer({
        databaseUrl: db.databaseUrl,
        env: {
          JDMAIL_OUTBOUND_RELAY_HOST: '127.0.0.1',
          JDMAIL_OUTBOUND_RELAY_PORT: '1',
          JDMAIL_OUTBOUND_RELAY_REQUIRE_TLS: 'false',
          // Webhook endpoints of the matrix point at a closed loopback port.
          JDMAIL_WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
        },
      });
      // HTTP Basic on SQLite, the same users by session cookie on PostgreSQL (see authz/principals.ts).
      w = await seedWorld(server, db.databaseUrl, engine === 'sqlite');
    });
    afterAll(() => server?.destroy());

    it('answers every operation, caller and object as the rules say, and a refused write changes nothing', async () => {
      const served = (await send(w.base, { method: 'GET', path: '/api/v1/openapi.json' })).json as OpenApiDoc;
      expect(coverageProblems(served, RULES)).toEqual([]);
      const tasks = matrixTasks(w, served, RULES);
      expect(tasks.length).toBeGreaterThan(500);
      const failures = (await pool(CONCURRENCY, tasks)).filter((f): f is string => f !== null);
      expect(failures).toEqual([]);
    }, 300_000);

    it('F1: a caller restricted to a.test cannot give anyone a b.test address, so b.test mail stays in b.test', async () => {
      for (const who of restricted()) {
        const created = await as(who, {
          method: 'POST',
          path: '/api/v1/users',
          body: { address: `x${w.n()}@a.test`, aliases: ['ceo@b.test'] },
        });
        expect([who.name, created.status, created.json]).toMatchObject([
          who.name,
          404,
          { code: 'DOMAIN_NOT_FOUND', errors: [{ field: 'aliases[0]' }] },
        ]);
        const patched = await as(who, {
          method: 'PATCH',
          path: '/api/v1/users/alice@a.test',
          body: { aliases: ['postmaster@b.test'] },
        });
        expect([who.name, patched.status, patched.json]).toMatchObject([
          who.name,
          404,
          { code: 'DOMAIN_NOT_FOUND', errors: [{ field: 'aliases[0]' }] },
        ]);
      }
      // b.test's own admin still holds its addresses: ceo@b.test is free for them, not a 409.
      const bboss = {
        authorization: `Basic ${Buffer.from('bboss@b.test:matrix-password-1').toString('base64')}`,
      };
      const ceo = await send(
        w.base,
        { method: 'POST', path: '/api/v1/users', body: { address: 'ceo@b.test' } },
        bboss,
      );
      expect(ceo.status).toBe(201);
      const smtp = nodemailer.createTransport({
        host: '127.0.0.1',
        port: server.smtpPort,
        secure: false,
        tls: { rejectUnauthorized: false },
      });
      await smtp.sendMail({
        from: 'x@partner.test',
        to: 'ceo@b.test',
        subject: 'For the CEO of b',
        text: 'x',
      });
      smtp.close();
      const subjects = async (user: string) =>
        (
          (await w.root({ method: 'GET', path: `/api/v1/users/${user}/messages` })).json as {
            items: { subject: string }[];
          }
        ).items.map((m) => m.subject);
      expect(await subjects('ceo@b.test')).toEqual(['For the CEO of b']);
      expect(await subjects('alice@a.test')).not.toContain('For the CEO of b');
      expect((await w.root({ method: 'GET', path: '/api/v1/users/alice@a.test' })).json).toMatchObject({
        aliases: [],
      });
    });

    it('F12: another tenant’s address gets the same answer whether it exists or not', async () => {
      const pairs: [string, (address: string) => Req][] = [
        [
          'alias',
          (a) => ({ method: 'POST', path: '/api/v1/users', body: { address: 'y@a.test', aliases: [a] } }),
        ],
        [
          'alias by PATCH',
          (a) => ({ method: 'PATCH', path: '/api/v1/users/bob@a.test', body: { aliases: [a] } }),
        ],
        [
          'group address',
          (a) => ({
            method: 'POST',
            path: '/api/v1/groups',
            body: { domain: 'a.test', name: 'Y', kind: 'group', address: a },
          }),
        ],
        [
          'member',
          (a) => ({ method: 'POST', path: `/api/v1/groups/${w.group.a}/members`, body: { addresses: [a] } }),
        ],
        ['member removed', (a) => ({ method: 'DELETE', path: `/api/v1/groups/${w.group.a}/members/${a}` })],
        ['login link', (a) => ({ method: 'POST', path: '/api/v1/sso/login-links', body: { user: a } })],
        ['user', (a) => ({ method: 'GET', path: `/api/v1/users/${a}` })],
        ['unread counts', (a) => ({ method: 'POST', path: '/api/v1/unread-counts', body: { users: [a] } })],
        [
          'batch user',
          (a) => ({ method: 'POST', path: '/api/v1/users:batch', body: { users: [{ address: a }] } }),
        ],
      ];
      // The address itself may come back (a per-address result echoes it): compare with it blanked.
      const answer = async (who: Principal, req: Req, address: string) => {
        const res = await as(who, req);
        const { instance: _, ...body } = (res.json ?? {}) as Record<string, unknown>;
        return {
          status: res.status,
          body: JSON.parse(JSON.stringify(body).replaceAll(address, '<address>')),
        };
      };
      for (const who of restricted()) {
        for (const [what, req] of pairs) {
          // carol@b.test and team@b.test exist; nobody@b.test does not.
          const existing = what === 'group address' ? 'team@b.test' : 'carol@b.test';
          const taken = await answer(who, req(existing), existing);
          const free = await answer(who, req('nobody@b.test'), 'nobody@b.test');
          expect([who.name, what, taken]).toEqual([who.name, what, free]);
          expect([who.name, what, taken.body.code]).not.toEqual([who.name, what, 'ADDRESS_TAKEN']);
        }
      }
    });
  });
});
