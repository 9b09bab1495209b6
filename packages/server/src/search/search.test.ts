import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { addUser, type StoreFixture, sampleIndex } from '../../../../test/harness/mail-store.js';
import { newId } from '../shared/index.js';
import { createMailStore, openDatabase } from '../store/index.js';
import { createSearchIndexer, type SearchIndexer } from './indexer.js';
import { type SearchOptions, searchMessages } from './search-messages.js';

const databases = useDatabases();

/** A message with an RFC 2047 UTF-8 subject, a body in `charset` (base64) and attachments by name. */
function mime(subject: string, body: string, charset = 'utf-8', attachments: string[] = []): Buffer {
  const encodedSubject = `=?utf-8?B?${Buffer.from(subject).toString('base64')}?=`;
  const text = iconv.encode(body, charset).toString('base64');
  const head = `From: =?utf-8?B?${Buffer.from('王五').toString('base64')}?= <wang.wu@remote.test>\r\nTo: Alice <alice@example.test>\r\nSubject: ${encodedSubject}\r\nMIME-Version: 1.0\r\n`;
  const textPart = `Content-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: base64\r\n\r\n${text}\r\n`;
  if (attachments.length === 0) return Buffer.from(head + textPart);
  const parts = attachments.map(
    (name) =>
      `--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(name)}\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n`,
  );
  return Buffer.from(
    `${head}Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\n${textPart}${parts.join('')}--b1--\r\n`,
  );
}

describe.each(databases.engines)('search on %s', (engine) => {
  let f: StoreFixture;
  let indexer: SearchIndexer;
  let user: string;
  let other: string;
  const ids: Record<string, string> = {};

  async function deliver(key: string, args: Parameters<typeof mime>, userId: string, internalDate: number) {
    const raw = mime(...args);
    const hasAttachments = (args[3] ?? []).length > 0;
    const writer = f.store.blobs.createWriter();
    await writer.write(raw);
    const blob = await writer.finish();
    const { messageIds } = await f.store.deliver({
      blob,
      targets: [{ userId }],
      index: { ...sampleIndex(args[0]), hasAttachments },
      internalDate,
    });
    ids[key] = messageIds[0] as string;
  }

  const search = async (options: Omit<SearchOptions, 'limit'> & { limit?: number }, userId = user) =>
    searchMessages(f.database, userId, { limit: 50, ...options });
  const found = async (q: string, extra: Omit<SearchOptions, 'limit' | 'q'> = {}) =>
    (await search({ q, ...extra })).items.map((m) => m.subject).sort();

  beforeAll(async () => {
    const t = await databases.fresh(engine);
    const database = await openDatabase({ dataDir: t.dataDir, databaseUrl: t.databaseUrl });
    const store = createMailStore({
      database,
      dataDir: t.dataDir,
      onBodiesStored: (blobIds) => indexer.enqueue(blobIds),
      onBodyRemoved: (blobId) => void indexer.forget([blobId]),
    });
    indexer = createSearchIndexer({ database, blobs: store.blobs });
    const domainId = newId();
    await database.db
      .insertInto('domains')
      .values({ id: domainId, name: 'example.test', created_at: 1 })
      .execute();
    f = {
      database,
      store,
      domainId,
      close: async () => {
        await store.close();
        await database.close();
      },
    };
    user = await addUser(f);
    other = await addUser(f);
    const day = 86_400_000;
    // Delivered before the indexer starts: the backfill must find it.
    await deliver('old', ['旧邮件 archive', '很久以前的会议纪要'], user, 1 * day);
    indexer.start();
    await deliver('invoice', ['请开具发票', '本周五前开具增值税發票，谢谢。Meeting at 3PM'], user, 2 * day);
    await deliver(
      'gbk',
      ['Quarterly report', '季度报告：销售额增长，会议定于周一', 'gb18030'],
      user,
      3 * day,
    );
    await deliver('big5', ['台灣', '這是繁體中文的會議通知', 'big5'], user, 4 * day);
    await deliver('attach', ['Contract', 'see attached', 'utf-8', ['采购合同2024.pdf']], user, 5 * day);
    await deliver('fullwidth', ['ＡＢＣ Ｃｏｒｐ', 'Ｈｅｌｌｏ ｗｏｒｌｄ'], user, 6 * day);
    await deliver('theirs', ['请开具发票', '别人的发票'], other, 7 * day);
    await indexer.idle();
  });
  afterAll(async () => {
    await indexer.stop();
    await f.close();
  });

  it('finds one- and two-character Chinese words and longer substrings in subject and body', async () => {
    expect(await found('发票')).toEqual(['请开具发票']);
    expect(await found('会议')).toEqual(['Quarterly report', '台灣', '旧邮件 archive']);
    expect(await found('税')).toEqual(['请开具发票']);
    expect(await found('增值税发票')).toEqual(['请开具发票']);
    expect(await found('发票税')).toEqual([]);
  });

  it('decodes GB18030 and Big5 bodies and folds traditional characters both ways', async () => {
    expect(await found('销售额')).toEqual(['Quarterly report']);
    expect(await found('繁体中文')).toEqual(['台灣']);
    expect(await found('會議通知')).toEqual(['台灣']);
    expect(await found('台湾')).toEqual(['台灣']);
  });

  it('matches Latin words by prefix in any case, full-width forms, and mixed queries', async () => {
    expect(await found('MEET')).toEqual(['请开具发票']);
    expect(await found('quarter')).toEqual(['Quarterly report']);
    expect(await found('abc corp')).toEqual(['ＡＢＣ Ｃｏｒｐ']);
    expect(await found('ｈｅｌｌｏ')).toEqual(['ＡＢＣ Ｃｏｒｐ']);
    expect(await found('发票 meeting')).toEqual(['请开具发票']);
    expect(await found('"at 3pm"')).toEqual(['请开具发票']);
    expect(await found('"at 3p"')).toEqual([]);
  });

  it('searches attachment names, senders and fields', async () => {
    expect(await found('合同')).toEqual(['Contract']);
    expect(await found('filename:采购')).toEqual(['Contract']);
    expect(await found('subject:合同')).toEqual([]);
    expect((await found('王五')).length).toBe(6);
    expect((await found('from:wang.wu@remote')).length).toBe(6);
    expect(await found('to:alice 发票')).toEqual(['请开具发票']);
    expect(await found('from:alice')).toEqual([]);
  });

  it('applies filters, alone and with words, newest first', async () => {
    expect(await found('', { hasAttachment: true })).toEqual(['Contract']);
    const day = 86_400_000;
    const window = await search({ since: 2 * day, before: 4 * day });
    expect(window.items.map((m) => m.subject)).toEqual(['Quarterly report', '请开具发票']);
    await f.store.updateMessage(user, ids.gbk as string, { flagged: true, unread: false });
    expect(await found('会议', { flagged: true })).toEqual(['Quarterly report']);
    expect(await found('会议', { unread: true })).toEqual(['台灣', '旧邮件 archive']);
    expect(await found('会议', { mailbox: 'Sent' })).toEqual([]);
  });

  it('pages newest first with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search({ q: '', since: 0, limit: 2, cursor });
      seen.push(...page.items.map((m) => m.subject));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([
      'ＡＢＣ Ｃｏｒｐ',
      'Contract',
      '台灣',
      'Quarterly report',
      '请开具发票',
      '旧邮件 archive',
    ]);
    await expect(search({ q: 'x', cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });
  });

  it('keeps to the user, finds moved messages in their new folder and forgets deleted ones', async () => {
    expect((await search({ q: '别人' })).items).toEqual([]);
    expect((await search({ q: '别人' }, other)).items).toHaveLength(1);
    await f.store.updateMessage(user, ids.invoice as string, { mailbox: 'Trash' });
    expect((await search({ q: '发票' })).items.map((m) => m.mailbox)).toEqual(['Trash']);
    expect(await found('发票', { mailbox: 'INBOX' })).toEqual([]);
    await f.store.deleteMessage(user, ids.invoice as string);
    expect(await found('发票')).toEqual([]);
    // The body is gone (no other row referenced it): so is its document.
    const docs = () => f.database.db.selectFrom('search_docs').select('blob_id').execute();
    await expect.poll(async () => (await docs()).length).toBe(6);
  });
});
