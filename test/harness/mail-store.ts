import { newId } from '../../packages/server/src/shared/index.js';
import {
  createMailStore,
  type Database,
  type DeliveryTarget,
  type FinishedBlob,
  type LocalMailStore,
  type MessageIndex,
  openDatabase,
} from '../../packages/server/src/store/index.js';
import type { TestDatabase } from './databases.js';

/** An open database with a mail store over it and one domain to create users in. */
export interface StoreFixture {
  database: Database;
  store: LocalMailStore;
  domainId: string;
  /** Drains the store, then closes the database. */
  close(): Promise<void>;
}

/** Opens (or reopens) the store of a test database; the domain `example.test` is created once. */
export async function openStore(
  t: TestDatabase,
  options: { maxBatch?: number; inlineBodyMaxBytes?: number } = {},
): Promise<StoreFixture> {
  const database = await openDatabase({ dataDir: t.dataDir, databaseUrl: t.databaseUrl });
  const store = createMailStore({ database, dataDir: t.dataDir, ...options });
  const { db } = database;
  let domain = await db
    .selectFrom('domains')
    .select('id')
    .where('name', '=', 'example.test')
    .executeTakeFirst();
  if (!domain) {
    domain = { id: newId() };
    await db
      .insertInto('domains')
      .values({ id: domain.id, name: 'example.test', created_at: Date.now() })
      .execute();
  }
  const domainId = domain.id;
  return {
    database,
    store,
    domainId,
    async close() {
      await store.close();
      await database.close();
    },
  };
}

/** Inserts a user with the default mailboxes; returns the user id. */
export async function addUser(f: StoreFixture, quotaBytes = 0): Promise<string> {
  const id = newId();
  const now = Date.now();
  await f.database.db
    .insertInto('users')
    .values({
      id,
      address: `u${id.toLowerCase()}@example.test`,
      domain_id: f.domainId,
      display_name: '',
      password_hash: null,
      quota_bytes: quotaBytes,
      used_bytes: 0,
      enabled: 1,
      role: 'user',
      created_at: now,
      updated_at: now,
      password_changed_at: now,
    })
    .execute();
  await f.store.createDefaultMailboxes(id);
  return id;
}

/** A plausible index for a message with `subject`. */
export function sampleIndex(subject: string): MessageIndex {
  return {
    from: { name: 'Sender', address: 'sender@remote.test' },
    to: [{ name: 'To One', address: 'one@example.test' }],
    cc: [{ name: '', address: 'cc@example.test' }],
    subject,
    date: Date.UTC(2024, 0, 2, 3, 4, 5),
    messageId: `<${subject.replace(/\W/g, '')}@remote.test>`,
    preview: `preview of ${subject}`,
    hasAttachments: false,
  };
}

/** Where the store tests keep bodies: in the database (the default limit) or always in files. */
export const BODY_MODES = { inline: {}, files: { inlineBodyMaxBytes: 0 } } as const;
export type BodyMode = keyof typeof BODY_MODES;

/** Every engine × body mode, for `describe.each`. */
export const storeCases = <E extends string>(engines: readonly E[]) =>
  engines.flatMap((engine) => (Object.keys(BODY_MODES) as BodyMode[]).map((mode) => [engine, mode] as const));

/** Writes `content` through a blob writer, as ingest does; returns the finished blob. */
export async function writeBlob(store: LocalMailStore, content: string): Promise<FinishedBlob> {
  const writer = store.blobs.createWriter();
  const bytes = Buffer.from(content);
  // Two chunks, so the writer's appending is exercised too.
  await writer.write(bytes.subarray(0, bytes.length >> 1));
  await writer.write(bytes.subarray(bytes.length >> 1));
  return writer.finish();
}

/** The raw message used for `subject`. */
export const rawMessage = (subject: string) =>
  `Subject: ${subject}\r\nFrom: sender@remote.test\r\n\r\nBody of ${subject}\r\n`;

/** Writes a blob and delivers it to `targets`; the blob is written before `deliver` is called. */
export async function deliverText(store: LocalMailStore, subject: string, targets: DeliveryTarget[]) {
  const blob = await writeBlob(store, rawMessage(subject));
  const { messageIds } = await store.deliver({
    blob,
    targets,
    index: sampleIndex(subject),
    internalDate: Date.now(),
  });
  return { messageIds, blob };
}
