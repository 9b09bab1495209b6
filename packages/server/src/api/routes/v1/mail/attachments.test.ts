import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { basic, bearer, buildTestApi, type TestApi } from '../../../testing/build-app.js';
import { attachmentDisposition, safeContentType } from './attachments.js';

const raw = async () =>
  (
    await new MailComposer({
      from: 'a@x.test',
      to: 'alice@example.com',
      subject: 'files',
      text: 'see attached',
      attachments: [
        { filename: 'Grüße 季度.txt', content: 'Grüße', contentType: 'text/plain; charset=utf-8' },
        { filename: 'evil"\r\nX-Injected: 1.html', content: '<script>alert(1)</script>' },
      ],
    })
      .compile()
      .build()
  ).toString('latin1');

describe('GET /api/v1/users/{address}/messages/{id}/attachments/{attachmentId}', () => {
  let t: TestApi;
  let url: string;
  beforeEach(async () => {
    t = await buildTestApi();
    await t.directory.createUser({ address: 'alice@example.com', password: 'alice-password' });
    await t.directory.createUser({ address: 'bob@example.com', password: 'bob-password' });
    const m = t.mail.add('alice@example.com', { raw: await raw() });
    url = `/api/v1/users/alice@example.com/messages/${m.id}/attachments`;
  });
  const get = (path: string, headers: Record<string, string>) =>
    t.app.inject({ method: 'GET', url: path, headers });
  const alice = basic('alice@example.com', 'alice-password');

  it('streams the decoded attachment with its type and an RFC 6266 file name', async () => {
    const res = await get(`${url}/2`, alice);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="Grüße ??.txt"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%E5%AD%A3%E5%BA%A6.txt`,
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.rawPayload.toString('utf8')).toBe('Grüße');
  });

  it('keeps a hostile file name inside the header and serves HTML as a sandboxed download', async () => {
    const res = await get(`${url}/3`, alice);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html');
    expect(res.headers['x-injected']).toBeUndefined();
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="evil\\"_+X-Injected: 1\.html"$/,
    );
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
  });

  it('answers 404 for a part that is not there and 422 for a malformed part id', async () => {
    const missing = await get(`${url}/9`, alice);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('ATTACHMENT_NOT_FOUND');
    expect((await get(`${url}/0`, alice)).statusCode).toBe(422);
    expect((await get(`${url}/..%2Fx`, alice)).statusCode).toBe(422);
  });

  it('honours scopes and ownership like the message itself', async () => {
    expect((await get(`${url}/2`, bearer('jdk_admin'))).statusCode).toBe(200);
    const bob = await get(`${url}/2`, basic('bob@example.com', 'bob-password'));
    expect(bob.statusCode).toBe(404);
    expect(bob.json().code).toBe('USER_NOT_FOUND');
    t.directory.addKey('jdk_users_only', ['users:read']);
    expect((await get(`${url}/2`, bearer('jdk_users_only'))).json().code).toBe('INSUFFICIENT_SCOPE');
    expect((await get(`${url}/2`, {})).statusCode).toBe(401);
  });
});

describe('attachment headers', () => {
  it('falls back to a generic name and to octet-stream for malformed types', () => {
    expect(attachmentDisposition(null, 'attachment-2')).toBe('attachment; filename="attachment-2"');
    expect(attachmentDisposition('../../etc/passwd', 'x')).toBe('attachment; filename="_.._etc_passwd"');
    expect(safeContentType('text/html; x')).toBe('application/octet-stream');
    expect(safeContentType('IMAGE/PNG')).toBe('image/png');
    expect(safeContentType('text/plain', 'utf-8"; x=y')).toBe('text/plain');
  });
});
