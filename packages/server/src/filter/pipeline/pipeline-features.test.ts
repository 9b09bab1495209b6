import { Readable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ScopedRules } from '../rules/index.js';
import { combineScore, type MailFeature, type SenderHistory, type SpamClassifier } from '../spam/index.js';
import { createFilterPipeline, type FilterPipelineDeps } from './pipeline.js';

// The spam score's mail features (auth, rDNS, sender history) and outbound mail in the pipeline.

const log = pino({ level: 'silent' });
const OUTBOUND = { mailFeatures: true, outboundSpam: 'quarantine', outboundSpamThreshold: 0.99 } as const;
const RAW = Buffer.from(
  'From: Bob <bob@partner.example>\r\nSubject: hello\r\nMessage-ID: <m1@x>\r\n\r\nbody\r\n',
);
const alice = { userId: 'u1', address: 'alice@corp.test' };

/** A classifier whose Bayes says `bayes`; the features are added as the real one does. */
function bayesSaying(bayes: number, seen: MailFeature[][] = []): SpamClassifier {
  return {
    classify: async (_raw: Buffer, _scope: unknown, features: MailFeature[] = []) => {
      seen.push(features);
      const score = combineScore(bayes, features);
      const verdict = score > 0.5 ? 'junk' : score > 0.45 ? 'tag' : 'ham';
      return { score, bayes, features, verdict, tokens: 9, significant: 3, reasons: [] };
    },
  } as unknown as SpamClassifier;
}

function historySaying(known: boolean, written: Array<[string, readonly string[]]> = []): SenderHistory {
  return {
    lookup: async () => ({ writtenTo: known, domainWrittenTo: known, hamLearned: false }),
    noteWritten: async (domain, recipients) => {
      written.push([domain, recipients]);
    },
    noteHam: async () => {},
  };
}

function pipeline(extra: Partial<FilterPipelineDeps>) {
  return createFilterPipeline({
    config: { enabled: true, spamBudgetMs: 1000, rulesBudgetMs: 1000, quarantineTo: 'admin', ...OUTBOUND },
    virusPolicy: { onInfected: 'reject', onError: 'tempfail', onTooLarge: 'accept' },
    clamd: null,
    spam: null,
    ruleSets: async () => [],
    groupsOf: async () => [],
    claimVacationReply: async () => true,
    sendNew: async () => {},
    readBody: () => Readable.from([RAW]),
    hostname: 'mx.corp.test',
    log,
    ...extra,
  });
}

async function run(
  p: ReturnType<typeof pipeline>,
  how: {
    direction?: 'inbound' | 'outbound';
    authResults?: string;
    remote?: string[];
    targets?: (typeof alice)[];
  },
) {
  const direction = how.direction ?? 'inbound';
  const filter = p.start({
    direction,
    mailFrom: direction === 'inbound' ? 'bob@partner.example' : 'alice@corp.test',
    clientIp: '192.0.2.1',
    authenticated: direction === 'outbound',
    stream: Readable.from([RAW]),
  });
  for await (const _ of filter.stream);
  return filter.decide({
    head: RAW,
    size: RAW.length,
    targets: how.targets ?? [alice],
    authResults: how.authResults,
    remote: how.remote,
  });
}

const auth = (spf: string, dmarc: string) =>
  JSON.stringify({ spf: { result: spf }, dkim: [], dmarc: { result: dmarc } });

describe('filter pipeline: mail features', () => {
  it('adds auth, rDNS and history features to the Bayes score, names each in the reasons and X-Spam-Status', async () => {
    const noPtr = {
      rdns: async () => ({ status: 'none' as const, name: '' }),
      history: historySaying(false),
    };
    const plan = await run(pipeline({ spam: bayesSaying(0.42), features: noPtr }), {
      authResults: auth('softfail', 'none'),
    });
    // 0.42 + SPF softfail 0.05 + no rDNS 0.10 + first-time sender 0.05 = 0.62: junk instead of ham.
    expect(plan.result.verdict).toBe('junk');
    expect(plan.result.score).toBeCloseTo(0.62);
    expect(plan.result.reasons).toEqual([
      'spam score 0.620',
      'spam bayes 0.420',
      'spam feature AUTH_SPF_SOFTFAIL=+0.05',
      'spam feature RDNS_NONE=+0.10',
      'spam feature SENDER_FIRST_TIME=+0.05',
    ]);
    expect(plan.prepend).toContain(
      'X-Spam-Status: Yes, score=0.620 verdict=junk tokens=3/9 bayes=0.420 tests=AUTH_SPF_SOFTFAIL=+0.05,RDNS_NONE=+0.10,SENDER_FIRST_TIME=+0.05\r\n',
    );
  });

  it('lets a known, authenticated sender with forward-confirmed rDNS through', async () => {
    const good = {
      rdns: async () => ({ status: 'confirmed' as const, name: 'mail.partner.example' }),
      history: historySaying(true),
    };
    const plan = await run(pipeline({ spam: bayesSaying(0.58), features: good }), {
      authResults: auth('pass', 'pass'),
    });
    // 0.58 − DMARC pass 0.10 − written to 0.20 = 0.28.
    expect(plan.result).toMatchObject({ verdict: 'accept' });
    expect(plan.result.score).toBeCloseTo(0.28);
    expect(plan.prepend).toContain('X-Spam-Status: No,');
  });

  it('checks no rDNS and no history for outbound mail', async () => {
    const seen: MailFeature[][] = [];
    let asked = 0;
    const sources = {
      rdns: async () => {
        asked++;
        return { status: 'none' as const, name: '' };
      },
      history: historySaying(false),
    };
    await run(pipeline({ spam: bayesSaying(0.1, seen), features: sources }), { direction: 'outbound' });
    expect(asked).toBe(0);
    expect(seen).toEqual([[]]);
  });
});

describe('filter pipeline: outbound mail', () => {
  const remote = ['carol@elsewhere.example'];

  it('holds spammy outbound mail (remote and local copies), with no X-Spam headers for the world', async () => {
    const plan = await run(pipeline({ spam: bayesSaying(0.995) }), { direction: 'outbound', remote });
    expect(plan.result.verdict).toBe('quarantine');
    expect(plan.holdRemote).toBe(true);
    expect(plan.placement.get(alice.userId)?.held).toBe(true);
    expect(plan.prepend).toBe('');
  });

  it('refuses it with 550 5.7.1 when the policy says reject, and sends it when accept', async () => {
    const reject = pipeline({ spam: bayesSaying(0.97), outboundSpam: { action: 'reject', threshold: 0.9 } });
    await expect(run(reject, { direction: 'outbound', remote })).rejects.toMatchObject({
      code: 'FILTER_REJECTED',
      extra: { smtp: { code: 550, enhanced: '5.7.1' } },
    });
    const accept = pipeline({ spam: bayesSaying(0.97), outboundSpam: { action: 'accept', threshold: 0.9 } });
    const plan = await run(accept, { direction: 'outbound', remote });
    expect(plan.holdRemote).toBe(false);
    expect(plan.result).toMatchObject({ verdict: 'accept', score: 0.97 });
  });

  it('sends mail under the threshold and notes whom the sender wrote to; a held one notes nothing', async () => {
    const written: Array<[string, readonly string[]]> = [];
    const features = { history: historySaying(false, written) };
    const sent = await run(pipeline({ spam: bayesSaying(0.6), features }), { direction: 'outbound', remote });
    expect(sent.holdRemote).toBe(false);
    await sent.after({ blobId: 'b', headerMessageId: null, subject: '' });
    expect(written).toEqual([['corp.test', remote]]);
    const held = await run(pipeline({ spam: bayesSaying(0.999), features }), {
      direction: 'outbound',
      remote,
    });
    await held.after({ blobId: 'b', headerMessageId: null, subject: '' });
    expect(written).toHaveLength(1);
  });

  it('applies the install’s and sender’s domain rules to the remote recipients', async () => {
    const sets: ScopedRules[] = [
      {
        scope: 'domain',
        rules: [
          {
            name: 'hold mail to elsewhere',
            when: { to: { endsWith: '@elsewhere.example' } },
            actions: [{ action: 'quarantine' }],
          },
        ],
      },
    ];
    const asked: string[] = [];
    const p = pipeline({
      outboundRuleSets: async (sender) => {
        asked.push(sender);
        return sets;
      },
    });
    const plan = await run(p, { direction: 'outbound', remote, targets: [] });
    expect(asked).toEqual(['alice@corp.test']);
    expect(plan).toMatchObject({ holdRemote: true, result: { verdict: 'quarantine' } });
    expect(plan.result.reasons.join(' ')).toContain('hold mail to elsewhere');
    const other = await run(p, { direction: 'outbound', remote: ['dave@fine.example'], targets: [] });
    expect(other.holdRemote).toBe(false);
  });
});
