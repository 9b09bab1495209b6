import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../packages/server/src/store/index.js';
import { artifactPath, launchChromium, newContext } from './harness/browser.js';
import { startServer, type TestServer } from './harness/server.js';

// "Junk" and "Not junk" in one click, in a real Chromium against the real
// server: the button moves the message to the user's Junk folder and back to
// the inbox through the REST API, and the server learns each move into the
// user's own spam model (read from the store: the learner runs after the move
// answered) and, for "Not junk", into the sender history of the user's domain.

let server: TestServer;
let browser: Browser;
let database: Database;
let jd: JdMail;
let aliceId: string;

const learned = async () =>
  (await database.db.selectFrom('spam_learned').select(['class']).where('scope', '=', aliceId).execute()).map(
    (r) => r.class,
  );

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  await jd.domains.create('example.com');
  aliceId = (await jd.users.create({ address: 'alice@example.com', password: 'alice-password' })).id;
  database = await openDatabase({ dataDir: server.dataDir, databaseUrl: '' });
  const mx = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, ignoreTLS: true });
  try {
    await mx.sendMail({
      from: 'news@shop.test',
      to: 'alice@example.com',
      subject: 'Weekly offers',
      text: 'Our offers this week.',
    });
  } finally {
    mx.close();
  }
}, 120_000);

afterAll(async () => {
  await database?.close();
  await browser?.close();
  await server?.destroy();
});

describe('webmail Junk / Not junk', () => {
  it('junks a message with one click and takes it back with one click; the filter learns both', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel('E-mail address').fill('alice@example.com');
    await page.getByLabel('Password').fill('alice-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();

    await page.getByRole('link', { name: /Weekly offers/ }).click();
    await page.getByRole('heading', { name: 'Weekly offers' }).waitFor();
    await page.getByRole('button', { name: 'Junk', exact: true }).click();
    // Back in the inbox, which no longer lists it; the move is announced.
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.getByText('Moved to Junk').waitFor();
    expect(await page.getByRole('link', { name: /Weekly offers/ }).count()).toBe(0);
    expect(
      (await jd.mail.list('alice@example.com', { mailbox: 'Junk' })).items.map((m) => m.subject),
    ).toEqual(['Weekly offers']);
    expect(await eventually(learned, (c) => c.length === 1, 'the spam learn')).toEqual(['spam']);

    // The Junk list, the message in it, and "Not junk".
    await page.getByRole('link', { name: 'Junk', exact: true }).click();
    await page.getByRole('heading', { name: 'Junk' }).waitFor();
    await page.getByRole('link', { name: /Weekly offers/ }).click();
    await page.getByRole('heading', { name: 'Weekly offers' }).waitFor();
    await page.screenshot({ path: await artifactPath('webmail-not-junk.png') });
    await page.getByRole('button', { name: 'Not junk' }).click();
    await page.getByRole('heading', { name: 'Junk' }).waitFor();
    await page.getByText('No junk.').waitFor();
    expect(
      (await jd.mail.list('alice@example.com', { mailbox: 'INBOX' })).items.map((m) => m.subject),
    ).toEqual(['Weekly offers']);
    // Relearned as ham (its spam counts taken back), not learned twice.
    expect(await eventually(learned, (c) => c[0] === 'ham', 'the ham relearn')).toEqual(['ham']);
    const history = async () =>
      (
        await database.db
          .selectFrom('sender_history')
          .select(['sender', 'ham'])
          .where('domain', '=', 'example.com')
          .execute()
      ).map((r) => [r.sender, Number(r.ham)]);
    expect(await eventually(history, (h) => h.length > 0, 'the sender history')).toEqual([
      ['news@shop.test', 1],
    ]);
    await context.close();
  });
});
