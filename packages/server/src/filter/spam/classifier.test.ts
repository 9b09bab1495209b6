import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import { type Database, openDatabase } from '../../store/db.js';
import { createSpamClassifier, type SpamClassifier } from './classifier.js';
import { tokenId } from './token-hash.js';

const databases = useDatabases();
const FIXTURES = new URL('../../../../../test/fixtures/spam-zh/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));
const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.eml'));
const SETTINGS = { tagThreshold: 0.45, junkThreshold: 0.5, minSpamLearned: 3, minHamLearned: 3 };

let n = 0;
/** A synthetic English message: spam talks money, ham talks work; each has a unique Message-ID. */
function synthetic(kind: 'spam' | 'ham', extra = ''): Buffer {
  const body =
    kind === 'spam'
      ? `Claim your free prize now! Cheap pills, casino bonus, $1000 cash, click http://win.example/claim ${extra}`
      : `Hi team, the build is green; please review the release notes before the meeting on Tuesday. ${extra}`;
  return Buffer.from(
    `From: ${kind}@${kind}.example\r\nSubject: ${kind === 'spam' ? 'FREE CASH PRIZE' : 'release notes'}\r\n` +
      `Message-ID: <m${++n}@test>\r\n\r\n${body}\r\n`,
  );
}

describe.each(databases.engines)('spam classifier on %s', (engine) => {
  let database: Database;
  let classifier: SpamClassifier;
  beforeAll(async () => {
    database = await openDatabase(await databases.fresh(engine));
    classifier = createSpamClassifier({ db: database.db, settings: SETTINGS });
  });
  afterAll(() => database?.close());

  it('gives no verdict before it has learned the minimum of each class', async () => {
    await classifier.learnMany([synthetic('spam'), synthetic('spam')].map((raw) => ({ raw, class: 'spam' })));
    const v = await classifier.classify(synthetic('spam'));
    expect(v).toMatchObject({ score: null, verdict: 'untrained' });
    expect(v.tokens).toBeGreaterThan(5);
  });

  it('learns, then scores spam high and ham low', async () => {
    for (let i = 0; i < 4; i++) {
      await classifier.learn(synthetic('spam', `s${i}`), 'spam');
      await classifier.learn(synthetic('ham', `h${i}`), 'ham');
    }
    expect(await classifier.learned()).toEqual({ spam: 6, ham: 4 });
    const spam = await classifier.classify(synthetic('spam', 'new'));
    const ham = await classifier.classify(synthetic('ham', 'new'));
    expect(spam.verdict).toBe('junk');
    expect(spam.score).toBeGreaterThan(0.9);
    expect(ham.verdict).toBe('ham');
    expect(ham.score).toBeLessThan(0.1);
    expect(spam.reasons.map((r) => r.token)).toContain('s:cash');
  });

  it('learns a message once, moves it when relearned as the other class, and forgets it', async () => {
    const raw = synthetic('ham', 'twice');
    expect(await classifier.learn(raw, 'ham')).toBe('learned');
    expect(await classifier.learn(raw, 'ham')).toBe('already');
    expect(await classifier.learned()).toEqual({ spam: 6, ham: 5 });
    expect(await classifier.learn(raw, 'spam')).toBe('relearned');
    expect(await classifier.learned()).toEqual({ spam: 7, ham: 4 });
    expect(await classifier.unlearn(raw)).toBe(true);
    expect(await classifier.unlearn(raw)).toBe(false);
    expect(await classifier.learned()).toEqual({ spam: 6, ham: 4 });
    // The counts went back exactly: the token 'twice' counts nothing (its row stays, stamped, for other nodes' caches).
    const rows = await database.db.selectFrom('spam_tokens').select(['token', 'spam', 'ham']).execute();
    expect(rows.every((r) => r.spam >= 0 && r.ham >= 0)).toBe(true);
    expect(rows.find((r) => Number(r.token) === tokenId('twice'))).toMatchObject({ spam: 0, ham: 0 });
  });

  it("keeps a user's learning to that user, on top of the global model", async () => {
    const user = { userId: 'u-1' };
    const newsletter = () => synthetic('ham', 'weekly digest from the gardening club');
    for (let i = 0; i < 3; i++) await classifier.learn(newsletter(), 'spam', user);
    expect(await classifier.learned(user)).toEqual({ spam: 9, ham: 4 });
    expect(await classifier.learned()).toEqual({ spam: 6, ham: 4 });
    const mine = await classifier.classify(newsletter(), user);
    const global = await classifier.classify(newsletter());
    expect(mine.score).toBeGreaterThan(global.score as number);
  });

  it('tells the hand-written Chinese spam from ham (GBK, GB18030, Big5 and UTF-8; traditional and simplified)', async () => {
    const zh = createSpamClassifier({ db: database.db, settings: SETTINGS });
    // A scope of its own, so the English tests' tokens do not count.
    const scope = { userId: 'zh-only' };
    const heldOut = new Set(['spam-07.eml', 'spam-08.eml', 'ham-07.eml', 'ham-08.eml']);
    for (const name of names.filter((f) => !heldOut.has(f)))
      await zh.learn(fixture(name), name.startsWith('spam') ? 'spam' : 'ham', scope);
    for (const name of heldOut) {
      const v = await zh.classify(fixture(name), scope);
      expect([name, v.verdict]).toEqual([name, name.startsWith('spam') ? 'junk' : 'ham']);
    }
    // spam-07 is Big5 traditional (代開), learned from simplified spam only (代开): its evidence is the simplified bigram.
    const v = await zh.classify(fixture('spam-07.eml'), scope);
    expect(v.reasons.map((r) => r.token)).toEqual(expect.arrayContaining(['s:代开', '增值']));
  });
});

describe.each(databases.engines)(
  'the in-memory copy of the global model on %s (two nodes, one database)',
  (engine) => {
    let database: Database;
    let clock = 1_000_000;
    const cached = { ...SETTINGS, cacheRefreshSeconds: 10 };
    const node = () => createSpamClassifier({ db: database.db, settings: cached, now: () => clock });
    beforeAll(async () => {
      database = await openDatabase(await databases.fresh(engine));
    });
    afterAll(() => database?.close());

    it("applies a node's own learning at once and another node's after the refresh interval", async () => {
      const a = node();
      const b = node();
      for (let i = 0; i < 3; i++) {
        await a.learn(synthetic('spam', `c${i}`), 'spam');
        await a.learn(synthetic('ham', `c${i}`), 'ham');
      }
      const probe = () => synthetic('ham', 'zanzibar quokka');
      // Both load the model on first use; neither has seen "zanzibar quokka" yet.
      const before = await b.classify(probe());
      expect(before.reasons.map((r) => r.token)).not.toContain('quokka');
      for (let i = 0; i < 3; i++) await a.learn(synthetic('spam', `zanzibar quokka ${i}`), 'spam');
      // The learning node sees its own learning at once …
      expect((await a.classify(probe())).reasons.map((r) => r.token)).toContain('quokka');
      // … the other one keeps its copy until the refresh interval has passed, then reads the change.
      clock += 5_000;
      expect((await b.classify(probe())).reasons.map((r) => r.token)).not.toContain('quokka');
      clock += 5_000;
      const after = await b.classify(probe());
      expect(after.reasons.map((r) => r.token)).toContain('quokka');
      expect(after.score).toBeGreaterThan(before.score as number);
    });

    it("sees another node's unlearning, down to zero, and scores as the database does", async () => {
      const a = node();
      const b = node();
      const sql = createSpamClassifier({ db: database.db, settings: SETTINGS });
      // Two messages: a token seen in one learned message only (a hapax) does not count.
      const odd = [synthetic('spam', 'xylophone walrus'), synthetic('spam', 'xylophone walrus')];
      const probe = synthetic('ham', 'xylophone walrus');
      const start = await b.classify(probe);
      for (const m of odd) await a.learn(m, 'spam');
      clock += 10_000;
      const learned = await b.classify(probe);
      expect(learned.score).toBeGreaterThan(start.score as number);
      expect(learned.score).toBe((await sql.classify(probe)).score);
      for (const m of odd) expect(await a.unlearn(m)).toBe(true);
      clock += 10_000;
      // The copy and the SQL store give the same verdict again, to the last digit: the one before the learn.
      const unlearned = await b.classify(probe);
      expect(unlearned.score).toBe((await sql.classify(probe)).score);
      expect(unlearned.score).toBe(start.score);
      expect(await b.learned()).toEqual(await sql.learned());
    });
  },
);
