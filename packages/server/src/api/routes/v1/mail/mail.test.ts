import { beforeEach, describe, expect, it } from 'vitest';
import { basic, bearer, buildTestApi, type TestApi } from '../../../testing/build-app.js';

describe('/api/v1 mail', () => {
  let t: TestApi;
  beforeEach(async () => {
    t = await buildTestApi();
    await t.directory.createUser({ address: 'alice@example.com', password: 'alice-password' });
    await t.directory.createUser({ address: 'bob@example.com', password: 'bob-password' });
    await t.directory.createUser({ address: 'carol@other.org', password: 'carol-password' });
  });
  const as =
    (auth: Record<string, string>) =>
    (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(payload ? { payload } : {}) });
  const alice = () => as(basic('alice@example.com', 'alice-password'));
  const admin = () => as(bearer('jdk_admin'));

  it('lists messages newest first, unread only, with cursors and ISO dates', async () => {
    t.mail.add('alice@example.com', { unread: false });
    t.mail.add('alice@example.com', { date: null });
    t.mail.add('alice@example.com');
    const first = (await alice()('GET', '/users/Alice@Example.com/messages?unread=true&limit=1')).json();
    expect(first.items).toHaveLength(1);
    expect(first.items[0]).toMatchObject({
      id: 'm000003',
      mailbox: 'INBOX',
      unread: true,
      date: '2023-11-14T22:13:20.000Z',
    });
    expect(first.items[0]).not.toHaveProperty('blobId');
    const second = (
      await alice()('GET', `/users/alice@example.com/messages?unread=true&cursor=${first.nextCursor}`)
    ).json();
    expect(second.items.map((m: { id: string }) => m.id)).toEqual(['m000002']);
    expect(second.items[0].date).toBeNull();
    expect(second.nextCursor).toBeNull();
  });

  it('reads a message, its raw source, and marks, moves and deletes it', async () => {
    const m = t.mail.add('alice@example.com', { html: '<p>Hi</p>', raw: 'Subject: hi\r\n\r\nbody\r\n' });
    const url = `/users/alice@example.com/messages/${m.id}`;
    const detail = (await alice()('GET', url)).json();
    expect(detail).toMatchObject({
      id: m.id,
      html: '<p>Hi</p>',
      text: 'Hello',
      attachments: [],
      headers: [{ name: 'Subject' }],
    });
    const raw = await alice()('GET', `${url}/raw`);
    expect(raw.headers['content-type']).toBe('message/rfc822');
    expect(raw.headers['content-length']).toBe('21');
    expect(raw.body).toBe('Subject: hi\r\n\r\nbody\r\n');
    expect((await alice()('PATCH', url, { unread: false, flagged: true })).json()).toMatchObject({
      unread: false,
      flagged: true,
    });
    expect((await alice()('PATCH', url, { mailbox: 'Nope' })).json().code).toBe('MAILBOX_NOT_FOUND');
    expect((await alice()('PATCH', url, { mailbox: 'Trash' })).json().mailbox).toBe('Trash');
    expect((await alice()('DELETE', url)).statusCode).toBe(204);
    expect((await alice()('GET', url)).json().code).toBe('MESSAGE_NOT_FOUND');
  });

  it('hides other users’ mail from a plain user as 404', async () => {
    const m = t.mail.add('bob@example.com');
    for (const url of [
      '/users/bob@example.com/messages',
      `/users/bob@example.com/messages/${m.id}`,
      '/users/bob@example.com/unread-count',
    ]) {
      const res = await alice()('GET', url);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('USER_NOT_FOUND');
    }
    // Alice cannot reach Bob's message through her own address either.
    expect((await alice()('GET', `/users/alice@example.com/messages/${m.id}`)).statusCode).toBe(404);
  });

  it('counts unread mail for one user and for many, leaving out the invisible', async () => {
    t.mail.add('alice@example.com');
    t.mail.add('alice@example.com', { unread: false });
    t.mail.add('carol@other.org');
    expect((await alice()('GET', '/users/alice@example.com/unread-count')).json()).toEqual({
      unread: 1,
      total: 2,
    });
    const users = ['ALICE@example.com', 'carol@other.org', 'bob@example.com'];
    expect((await admin()('POST', '/unread-counts', { users })).json().counts).toEqual({
      'alice@example.com': 1,
      'carol@other.org': 1,
      'bob@example.com': 0,
    });
    expect((await as(bearer('jdk_example'))('POST', '/unread-counts', { users })).json().counts).toEqual({
      'alice@example.com': 1,
      'bob@example.com': 0,
    });
    expect((await alice()('POST', '/unread-counts', { users })).json().counts).toEqual({
      'alice@example.com': 1,
    });
    // One bad row never fails the batch: each address gets its own answer, in the order asked.
    const mixed = [
      'Alice@Example.com',
      'not an address',
      'nobody@example.com',
      'carol@other.org',
      '@example.com',
    ];
    const res = await as(bearer('jdk_example'))('POST', '/unread-counts', { users: mixed });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      counts: { 'alice@example.com': 1 },
      results: [
        { address: 'Alice@Example.com', canonical: 'alice@example.com', status: 'ok', unread: 1 },
        { address: 'not an address', canonical: null, status: 'invalid', unread: null },
        { address: 'nobody@example.com', canonical: 'nobody@example.com', status: 'not_found', unread: null },
        // Another tenant's existing user answers exactly as an unknown one.
        { address: 'carol@other.org', canonical: 'carol@other.org', status: 'not_found', unread: null },
        { address: '@example.com', canonical: null, status: 'invalid', unread: null },
      ],
    });
    const tooMany = Array.from({ length: 1001 }, (_, i) => `u${i}@example.com`);
    expect((await admin()('POST', '/unread-counts', { users: tooMany })).statusCode).toBe(422);
  });

  it('lists mailboxes with counters', async () => {
    t.mail.add('alice@example.com');
    const boxes = (await alice()('GET', '/users/alice@example.com/mailboxes')).json().items;
    expect(boxes[0]).toEqual({
      id: 'mb0',
      name: 'INBOX',
      specialUse: null,
      total: 1,
      unread: 1,
      size: 100,
      subscribed: true,
    });
    expect(boxes.map((b: { name: string }) => b.name)).toEqual(['INBOX', 'Sent', 'Drafts', 'Junk', 'Trash']);
  });

  it('sends as a user and answers 201 with the ids', async () => {
    const res = await alice()('POST', '/users/alice@example.com/send', {
      to: ['bob@example.com', { name: 'Carol', address: 'carol@other.org' }],
      subject: 'Hi',
      text: 'Hello',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: expect.any(String), messageId: expect.stringMatching(/^</) });
    expect(t.mail.sent[0]?.from).toBe('alice@example.com');
    expect(
      (await alice()('POST', '/users/bob@example.com/send', { to: ['x@example.com'], subject: 'x' }))
        .statusCode,
    ).toBe(404);
  });

  it('validates megabytes of base64 without exhausting the regex engine’s stack (once a 500)', async () => {
    const big = await buildTestApi({
      config: { api: { bodyLimit: 32 * 1024 * 1024, defaultBodyLimit: 1024 * 1024, docs: false } },
    });
    await big.directory.createUser({ address: 'alice@example.com', password: 'alice-password' });
    const content = Buffer.alloc(15 * 1024 * 1024, 7).toString('base64');
    const res = await big.app.inject({
      method: 'POST',
      url: '/api/v1/users/alice@example.com/send',
      headers: basic('alice@example.com', 'alice-password'),
      payload: { to: ['alice@example.com'], subject: 'big', attachments: [{ filename: 'big.bin', content }] },
    });
    expect(res.statusCode).toBe(201);
    const sentAttachment = big.mail.sent[0]?.input.attachments?.[0];
    expect(sentAttachment && 'content' in sentAttachment ? sentAttachment.content.length : 0).toBe(
      content.length,
    );
    await big.app.close();
  });

  it('takes blind copies, Reply-To, a thread and attachments, and names the field of a bad one', async () => {
    const send = (body: object) => alice()('POST', '/users/alice@example.com/send', body);
    const full = {
      bcc: ['bob@example.com'],
      replyTo: [{ name: 'Help desk', address: 'help@example.com' }],
      inReplyTo: '<q1@partner.test>',
      references: ['<q0@partner.test>', '<q1@partner.test>'],
      subject: 'Invoice',
      attachments: [
        { filename: '发票 2026-11.pdf', contentType: 'application/pdf', content: 'JVBERi0xLjQK' },
        { filename: 'logo.png', content: 'iVBORw0KGgo=', contentId: 'logo@portal.example.com' },
      ],
    };
    expect((await send(full)).statusCode).toBe(201);
    expect(t.mail.sent.at(-1)?.input).toEqual(full);
    const field = async (body: object) => {
      const res = await send({ ...full, ...body });
      expect(res.statusCode).toBe(422);
      return res.json().errors[0].field;
    };
    const attach = (a: object) => ({ attachments: [{ filename: 'a.txt', content: 'YQ==', ...a }] });
    expect(await field(attach({ content: 'not base64!' }))).toBe('attachments[0].content');
    expect(await field(attach({ content: 'YQ==\nYQ==' }))).toBe('attachments[0].content');
    expect(await field(attach({ filename: '../etc/passwd' }))).toBe('attachments[0].filename');
    expect(await field(attach({ filename: 'a\r\nX-Evil: 1' }))).toBe('attachments[0].filename');
    expect(await field(attach({ contentType: 'text/plain\r\nX-Evil: 1' }))).toBe(
      'attachments[0].contentType',
    );
    expect(await field(attach({ contentId: '<x@y>' }))).toBe('attachments[0].contentId');
    expect(await field({ inReplyTo: '<a@b>\r\nBcc: evil@example.com' })).toBe('inReplyTo');
    expect(await field({ inReplyTo: 'no-brackets@b' })).toBe('inReplyTo');
    expect(await field({ references: ['<ok@b>', 'bad'] })).toBe('references[1]');
    expect(await field({ bcc: ['not-an-address'] })).toBe('bcc[0]');
    expect(await field({ replyTo: [] })).toBe('replyTo');
  });
});
