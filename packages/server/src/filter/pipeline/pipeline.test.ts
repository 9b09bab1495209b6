import { Readable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ScopedRules } from '../rules/index.js';
import type { SpamClassifier, SpamVerdict } from '../spam/index.js';
import type { ClamdClient, ScanResult } from '../virus/index.js';
import type { NewMessage } from './follow-ups.js';
import { createFilterPipeline, type FilterPipelineDeps } from './pipeline.js';

const log = pino({ level: 'silent' });
const OUTBOUND = { mailFeatures: true, outboundSpam: 'quarantine', outboundSpamThreshold: 0.99 } as const;
const RAW = Buffer.from('From: x@outside.example\r\nSubject: hello\r\nMessage-ID: <m1@x>\r\n\r\nbody\r\n');
const alice = { userId: 'u1', address: 'alice@corp.test' };
const bob = { userId: 'u2', address: 'bob@corp.test' };

const clamdSaying = (result: ScanResult): ClamdClient => ({
  async scan(body) {
    for await (const _ of body);
    return result;
  },
  ping: async () => ({ ok: true }),
});
const spamSaying = (v: Partial<SpamVerdict>, delayMs = 0): SpamClassifier =>
  ({
    classify: () =>
      new Promise((r) =>
        setTimeout(
          () =>
            r({
              score: null,
              bayes: null,
              features: [],
              verdict: 'untrained',
              tokens: 1,
              significant: 0,
              reasons: [],
              ...v,
            }),
          delayMs,
        ),
      ),
  }) as unknown as SpamClassifier;

function pipeline(extra: Partial<FilterPipelineDeps>, sent: NewMessage[] = []) {
  return createFilterPipeline({
    config: { enabled: true, spamBudgetMs: 1000, rulesBudgetMs: 1000, quarantineTo: 'admin', ...OUTBOUND },
    virusPolicy: { onInfected: 'reject', onError: 'tempfail', onTooLarge: 'accept' },
    clamd: null,
    spam: null,
    ruleSets: async () => [],
    groupsOf: async () => [],
    claimVacationReply: async () => true,
    sendNew: async (m) => {
      sent.push(m);
    },
    readBody: () => Readable.from([RAW]),
    hostname: 'mx.corp.test',
    log,
    ...extra,
  });
}

/** Runs one message through: reads the filter's stream to its end (as the store does), then decides. */
async function run(p: ReturnType<typeof pipeline>, targets = [alice]) {
  const filter = p.start({
    direction: 'inbound',
    mailFrom: 'x@outside.example',
    clientIp: '192.0.2.1',
    authenticated: false,
    stream: Readable.from([RAW]),
  });
  for await (const _ of filter.stream);
  return filter.decide({ head: RAW, size: RAW.length, targets });
}

describe('filter pipeline', () => {
  it('refuses an infected message with the scanner’s answer and clamd down with 451 4.7.1', async () => {
    const infected = run(pipeline({ clamd: clamdSaying({ status: 'infected', name: 'Eicar' }) }));
    await expect(infected).rejects.toMatchObject({
      code: 'FILTER_REJECTED',
      message: 'virus: Eicar',
      extra: { smtp: { code: 554, enhanced: '5.7.1' } },
    });
    const down = run(pipeline({ clamd: clamdSaying({ status: 'error', reason: 'ECONNREFUSED' }) }));
    await expect(down).rejects.toMatchObject({ code: 'FILTER_TEMPFAIL', extra: { smtp: { code: 451 } } });
  });

  it('gives no spam verdict and no header while untrained, and a junk with X-Spam headers once trained', async () => {
    const untrained = await run(pipeline({ spam: spamSaying({}) }));
    expect(untrained.prepend).toBe('');
    expect(untrained.result).toEqual({ verdict: 'accept', score: null, reasons: [] });
    const junk = await run(pipeline({ spam: spamSaying({ score: 0.97, verdict: 'junk' }) }));
    expect(junk.placement.get('u1')).toMatchObject({ junk: true, held: false });
    expect(junk.prepend).toContain('X-Spam-Score: 0.970\r\n');
    expect(junk.prepend).toContain('X-Spam-Flag: YES\r\n');
    expect(junk.result).toMatchObject({ verdict: 'junk', score: 0.97 });
  });

  it('scores a message for one user with that user’s own learning too, one for several with the global model', async () => {
    const scopes: unknown[] = [];
    const spam = {
      classify: async (_raw: Buffer, scope?: unknown) => {
        scopes.push(scope);
        return {
          score: 0.2,
          bayes: 0.2,
          features: [],
          verdict: 'ham',
          tokens: 1,
          significant: 1,
          reasons: [],
        };
      },
    } as unknown as SpamClassifier;
    const p = pipeline({ spam });
    await run(p, [alice]);
    await run(p, [alice, { userId: 'u-bob', address: 'bob@corp.test' }]);
    expect(scopes).toEqual([{ userId: alice.userId }, undefined]);
  });

  it('does not classify at all while the model is untrained', async () => {
    let classified = 0;
    const spam = {
      classify: async () => {
        classified++;
        return {
          score: 0.99,
          bayes: 0.99,
          features: [],
          verdict: 'junk',
          tokens: 1,
          significant: 1,
          reasons: [],
        };
      },
    } as unknown as SpamClassifier;
    let trained = false;
    const p = pipeline({ spam, spamTrained: async () => trained });
    expect((await run(p)).result.score).toBeNull();
    expect(classified).toBe(0);
    trained = true;
    expect((await run(p)).result).toMatchObject({ verdict: 'junk', score: 0.99 });
    expect(classified).toBe(1);
  });

  it('delivers unscored when the spam stage is over its budget', async () => {
    const budgeted = pipeline({
      spam: spamSaying({ score: 0.99, verdict: 'junk' }, 300),
      config: { enabled: true, spamBudgetMs: 20, rulesBudgetMs: 1000, quarantineTo: 'admin', ...OUTBOUND },
    });
    const plan = await run(budgeted);
    expect(plan.result.verdict).toBe('accept');
    expect(plan.placement.get('u1')?.junk).toBe(false);
  });

  it('applies each recipient’s own rules, lets a rule’s accept override spam, and copies once per archive', async () => {
    const rules: Record<string, ScopedRules[]> = {
      u1: [
        {
          scope: 'user',
          rules: [
            {
              name: 'friend',
              when: { from: { endsWith: '@outside.example' } },
              actions: [{ action: 'accept' }],
            },
            {
              name: 'file',
              when: { header: { name: 'subject', is: 'hello' } },
              actions: [
                { action: 'moveTo', folder: 'Friends' },
                { action: 'markRead' },
                { action: 'copyTo', address: 'archive@corp.test' },
              ],
            },
          ],
        },
      ],
      u2: [
        {
          scope: 'domain',
          rules: [
            {
              name: 'arch',
              when: { size: { over: 0 } },
              actions: [{ action: 'copyTo', address: 'ARCHIVE@corp.test' }],
            },
          ],
        },
      ],
    };
    const sent: NewMessage[] = [];
    const plan = await run(
      pipeline(
        { spam: spamSaying({ score: 0.9, verdict: 'junk' }), ruleSets: async (t) => rules[t.userId] ?? [] },
        sent,
      ),
      [alice, bob],
    );
    expect(plan.placement.get('u1')).toEqual({ junk: false, held: false, seen: true, mailbox: 'Friends' });
    expect(plan.placement.get('u2')).toMatchObject({ junk: true });
    await plan.after({ blobId: 'b1', headerMessageId: '<m1@x>', subject: 'hello' });
    expect(sent.map((m) => [m.mailFrom, m.recipients])).toEqual([
      ['x@outside.example', ['archive@corp.test']],
    ]);
  });

  it('holds a quarantined copy and runs no follow-up for it; a rule reject refuses the whole message', async () => {
    const sent: NewMessage[] = [];
    const hold: ScopedRules[] = [
      {
        scope: 'user',
        rules: [
          {
            name: 'hold',
            when: { size: { over: 0 } },
            actions: [{ action: 'quarantine' }, { action: 'forward', to: 'x@y.example' }],
          },
        ],
      },
    ];
    const plan = await run(pipeline({ ruleSets: async (t) => (t.userId === 'u1' ? hold : []) }, sent), [
      alice,
      bob,
    ]);
    expect(plan.placement.get('u1')?.held).toBe(true);
    expect(plan.placement.get('u2')?.held).toBe(false);
    expect(plan.result.verdict).toBe('quarantine');
    await plan.after({ blobId: 'b1', headerMessageId: null, subject: 'hello' });
    expect(sent).toEqual([]);
    const refuse: ScopedRules[] = [
      {
        scope: 'system',
        rules: [
          { name: 'no', when: { size: { over: 0 } }, actions: [{ action: 'reject', text: 'Go away' }] },
        ],
      },
    ];
    await expect(
      run(pipeline({ ruleSets: async (t) => (t.userId === 'u2' ? refuse : []) }), [alice, bob]),
    ).rejects.toMatchObject({
      code: 'FILTER_REJECTED',
      message: 'Go away',
      extra: { smtp: { code: 550, enhanced: '5.7.1' } },
    });
  });

  it('sends one RFC 3834 vacation reply with the null sender when the log says it is due', async () => {
    const sent: NewMessage[] = [];
    let due = true;
    const away: ScopedRules[] = [
      {
        scope: 'user',
        rules: [
          {
            name: 'away',
            when: { size: { over: 0 } },
            actions: [{ action: 'vacation', days: 7, subject: 'Away', text: 'Back soon' }],
          },
        ],
      },
    ];
    const p = pipeline(
      {
        ruleSets: async () => away,
        claimVacationReply: async () => {
          const was = due;
          due = false;
          return was;
        },
      },
      sent,
    );
    for (let i = 0; i < 2; i++)
      await (await run(p)).after({ blobId: 'b', headerMessageId: '<m1@x>', subject: 'hello' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ mailFrom: '', recipients: ['x@outside.example'] });
    let raw = '';
    for await (const c of sent[0]?.body() ?? []) raw += c.toString();
    expect(raw).toContain('Auto-Submitted: auto-replied\r\n');
    expect(raw).toContain('In-Reply-To: <m1@x>\r\n');
    expect(raw).toContain('From: alice@corp.test\r\n');
  });
});
