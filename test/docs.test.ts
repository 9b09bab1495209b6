import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness/server.js';

// The API reference as a reader meets it: /docs carries jdmail's name and
// logo, and every problem's `type` opens the server's own page for its code.
describe('/docs and the error reference', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.destroy());

  it('brands /docs as jdmail’s, with no framework logo and no calls to outside hosts', async () => {
    const page = await (await fetch(`${server.baseUrl}/docs/static/index.html`)).text();
    expect(page).toContain('<title>jdmail API reference</title>');
    expect(page).toContain('jdmail.svg');
    const init = await (await fetch(`${server.baseUrl}/docs/static/swagger-initializer.js`)).text();
    expect(init).not.toMatch(/validator\.swagger\.io|petstore/);
    // The header's image is replaced by ours, inlined as a data URL.
    const logo = /img\.src = 'data:image\/svg\+xml;base64,([^']+)'/.exec(init)?.[1] ?? '';
    expect(Buffer.from(logo, 'base64').toString()).toContain('aria-label="jdmail"');
    const spec = (await (await fetch(`${server.baseUrl}/api/v1/openapi.json`)).json()) as {
      externalDocs: { url: string };
      components: { schemas: { Problem: { properties: { code: { description: string } } } } };
    };
    expect(spec.externalDocs.url).toBe('/docs/errors');
    expect(JSON.stringify(spec)).not.toContain('jdmail.dev');
  });

  it('answers every problem with a type that resolves to its code on this server', async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/users/nobody@example.com`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    const problem = (await res.json()) as { code: string; type: string };
    expect(problem).toMatchObject({ code: 'USER_NOT_FOUND', type: '/docs/errors#USER_NOT_FOUND' });
    const url = new URL(problem.type, `${server.baseUrl}/api/v1/users/nobody@example.com`);
    expect(url.origin).toBe(server.baseUrl);
    const doc = await fetch(url);
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await doc.text();
    expect(html).toContain('<tr id="USER_NOT_FOUND">');
    // Every code of the catalogue, as the OpenAPI document lists them, has its row.
    const spec = (await (await fetch(`${server.baseUrl}/api/v1/openapi.json`)).json()) as {
      components: { schemas: { Problem: { properties: { code: { description: string } } } } };
    };
    const described = spec.components.schemas.Problem.properties.code.description;
    const list = [...described.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1] as string);
    expect(list.length).toBeGreaterThan(30);
    for (const code of list) expect(html, code).toContain(`<tr id="${code}">`);
  });
});
