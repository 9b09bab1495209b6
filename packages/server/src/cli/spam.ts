import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import {
  createSpamClassifier,
  listMailFiles,
  readMailFiles,
  type SpamClass,
  type SpamClassifier,
  spamMetrics,
} from '../filter/index.js';
import type { Engine } from '../main.js';
import { AppError } from '../shared/index.js';
import { withConfigFlags } from './options.js';
import { createProgressPrinter, type ProgressStream } from './progress.js';

type Out = (line: string) => void;
type WithEngine = <T>(cmd: Command, fn: (engine: Engine) => Promise<T>) => Promise<T>;

interface Sets {
  spam?: string[];
  ham?: string[];
}

/** Messages learned per transaction: one commit (and fsync) per batch, not per message. */
const BATCH = 100;

const collect = (value: string, previous: string[] = []) => [...previous, value];

function classifierOf(engine: Engine): SpamClassifier {
  return createSpamClassifier({ db: engine.database.db, settings: engine.config.spam });
}

/** The files of both sets, labelled, and the printer that shows how far the run is. */
async function labelledFiles(sets: Sets): Promise<Array<{ file: string; class: SpamClass }>> {
  if (!sets.spam?.length && !sets.ham?.length)
    throw new AppError('BAD_REQUEST', 'give --spam DIR and/or --ham DIR');
  const out: Array<{ file: string; class: SpamClass }> = [];
  for (const cls of ['spam', 'ham'] as const)
    for (const path of sets[cls] ?? []) {
      // A mistyped path is the caller's mistake: one clear line, not a stack.
      if (!existsSync(path)) throw new AppError('BAD_REQUEST', `--${cls} ${path}: no such file or folder`);
      for (const file of await listMailFiles([path])) out.push({ file, class: cls });
    }
  return out;
}

/** Runs `each` over every message of the sets (an mbox gives several), with a progress bar over the files. */
async function forEachMessage(
  label: string,
  sets: Sets,
  progress: ProgressStream,
  each: (raw: Buffer, cls: SpamClass) => Promise<void>,
): Promise<void> {
  const files = await labelledFiles(sets);
  const printer = createProgressPrinter(label, progress, Date.now, { applying: 'reading messages' });
  let done = 0;
  for (const { file, class: cls } of files) {
    for await (const { raw } of readMailFiles([file])) await each(raw, cls);
    printer.update({ phase: 'applying', done: ++done, total: files.length });
  }
  printer.finish();
}

async function train(engine: Engine, sets: Sets, out: Out, progress: ProgressStream): Promise<void> {
  const classifier = classifierOf(engine);
  const counts = { learned: 0, already: 0, relearned: 0 };
  let batch: Array<{ raw: Buffer; class: SpamClass }> = [];
  const flush = async () => {
    for (const outcome of await classifier.learnMany(batch)) counts[outcome]++;
    batch = [];
  };
  await forEachMessage('spam train', sets, progress, async (raw, cls) => {
    batch.push({ raw, class: cls });
    if (batch.length >= BATCH) await flush();
  });
  await flush();
  const total = await classifier.learned();
  out(`learned ${counts.learned}, relearned ${counts.relearned}, already known ${counts.already}`);
  out(`the model now holds ${total.spam} spam and ${total.ham} ham messages`);
}

async function evaluate(engine: Engine, sets: Sets, out: Out, progress: ProgressStream): Promise<void> {
  const classifier = classifierOf(engine);
  const c = { truePositives: 0, falseNegatives: 0, trueNegatives: 0, falsePositives: 0 };
  let untrained = 0;
  await forEachMessage('spam eval', sets, progress, async (raw, cls) => {
    const { verdict } = await classifier.classify(raw);
    if (verdict === 'untrained') untrained++;
    const flagged = verdict === 'junk';
    if (cls === 'spam') flagged ? c.truePositives++ : c.falseNegatives++;
    else flagged ? c.falsePositives++ : c.trueNegatives++;
  });
  if (untrained > 0) {
    const learned = await classifier.learned();
    throw new AppError(
      'BAD_REQUEST',
      `the model is not trained yet (${learned.spam} spam, ${learned.ham} ham learned; ` +
        `spam.minSpamLearned ${engine.config.spam.minSpamLearned}, spam.minHamLearned ${engine.config.spam.minHamLearned})`,
    );
  }
  const m = spamMetrics(c);
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  out(`spam ${c.truePositives + c.falseNegatives}: caught ${c.truePositives}, missed ${c.falseNegatives}`);
  out(`ham ${c.trueNegatives + c.falsePositives}: kept ${c.trueNegatives}, flagged ${c.falsePositives}`);
  out(
    `precision ${m.precision.toFixed(4)}  recall ${m.recall.toFixed(4)}  F1 ${m.f1.toFixed(4)}  false positives ${pct(m.falsePositiveRate)} of ham`,
  );
}

/** `jdmail spam train|eval`: the classifier's global model, from folders of known spam and ham. */
export function registerSpamCommands(
  program: Command,
  out: Out,
  withEngine: WithEngine,
  progress: ProgressStream = process.stderr,
): void {
  const spam = program.command('spam').description('train and evaluate the spam classifier');
  const sets = (c: Command) =>
    withConfigFlags(
      c
        .option(
          '--spam <path>',
          'Maildir, mbox, .eml file or a folder of them holding spam (repeatable)',
          collect,
        )
        .option('--ham <path>', 'the same for ham, good mail (repeatable)', collect),
    );
  sets(spam.command('train').description('learn messages as spam or ham into the global model')).action(
    async (o: Sets, cmd: Command) => withEngine(cmd, (e) => train(e, o, out, progress)),
  );
  sets(
    spam
      .command('eval')
      .description('classify known spam and ham and print precision, recall, F1, false positives'),
  ).action(async (o: Sets, cmd: Command) => withEngine(cmd, (e) => evaluate(e, o, out, progress)));
}
