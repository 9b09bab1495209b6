import { describe, expect, it } from 'vitest';
import { JdMail } from './index.js';
import { json, scriptedFetch } from './test-fetch.js';

const client = (fetch: typeof globalThis.fetch) =>
  new JdMail({ baseUrl: 'https://mail.example.com', token: 'jdk_test', fetch, maxRetries: 0 });

const summary = { id: 'd2', mailbox: 'Drafts', subject: '周报', draft: true };

describe('composing: uploads and drafts', () => {
  it('uploads the bytes as the body, typed, with the name in the query', async () => {
    const { fetch, calls } = scriptedFetch(() =>
      json(201, {
        id: 'u1',
        name: '季度报告.pdf',
        size: 3,
        contentType: 'application/pdf',
        expiresAt: 'x',
      }),
    );
    const bytes = new Uint8Array([1, 2, 3]);
    const up = await client(fetch).mail.upload('alice@example.com', bytes, {
      name: '季度报告.pdf',
      contentType: 'application/pdf',
    });
    expect(up.id).toBe('u1');
    expect(calls[0]?.method).toBe('POST');
    expect(calls[0]?.url.pathname).toBe('/api/v1/users/alice%40example.com/uploads');
    expect(calls[0]?.url.searchParams.get('name')).toBe('季度报告.pdf');
    expect(calls[0]?.headers['content-type']).toBe('application/pdf');
  });

  it('takes a Blob’s own type and deletes an upload', async () => {
    const { fetch, calls } = scriptedFetch(json(201, { id: 'u2' }), json(204, null));
    await client(fetch).mail.upload('alice@example.com', new Blob(['hi'], { type: 'text/plain' }), {
      name: 'a.txt',
    });
    await client(fetch).mail.deleteUpload('alice@example.com', 'u2');
    expect(calls[0]?.headers['content-type']).toBe('text/plain');
    expect([calls[1]?.method, calls[1]?.url.pathname]).toEqual([
      'DELETE',
      '/api/v1/users/alice%40example.com/uploads/u2',
    ]);
  });

  it('saves and replaces drafts, encoding byte attachments and passing the others as they are', async () => {
    const { fetch, calls } = scriptedFetch(json(201, { ...summary, id: 'd1' }), json(200, summary));
    const jd = client(fetch);
    const first = await jd.mail.saveDraft('alice@example.com', {
      subject: '周报',
      attachments: [{ filename: 'a.txt', content: new Uint8Array([104, 105]) }, { uploadId: 'u1' }],
    });
    expect(first.id).toBe('d1');
    expect(calls[0]?.body).toEqual({
      subject: '周报',
      attachments: [{ filename: 'a.txt', content: 'aGk=' }, { uploadId: 'u1' }],
    });
    const second = await jd.mail.replaceDraft('alice@example.com', 'd1', {
      subject: '周报',
      attachments: [{ fromMessage: 'd1', attachmentId: '2' }],
    });
    expect(second.id).toBe('d2');
    expect([calls[1]?.method, calls[1]?.url.pathname]).toEqual([
      'PUT',
      '/api/v1/users/alice%40example.com/drafts/d1',
    ]);
    expect(calls[1]?.body).toEqual({
      subject: '周报',
      attachments: [{ fromMessage: 'd1', attachmentId: '2' }],
    });
  });

  it('sends with a draft id and attachments by reference', async () => {
    const { fetch, calls } = scriptedFetch(json(201, { id: 's1', messageId: '<m@x>' }));
    await client(fetch).mail.send('alice@example.com', {
      to: ['bob@example.com'],
      subject: 'Fwd',
      attachments: [{ fromMessage: 'm9' }],
      draftId: 'd2',
    });
    expect(calls[0]?.body).toEqual({
      to: ['bob@example.com'],
      subject: 'Fwd',
      attachments: [{ fromMessage: 'm9' }],
      draftId: 'd2',
    });
  });
});
