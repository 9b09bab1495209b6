import { JdMail, type RuleInput, ValidationError } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { startServer, type TestServer } from './harness/server.js';

// The filter's REST surface against the real server on both engines, through
// the SDK: global, domain and personal rule sets, the dry run on a message
// delivered over SMTP, and group mail policies. (Who may call what is the
// authorization matrix's job: test/authz/rules/filter.ts.)

const databases = useDatabases();

const exeFromOutside: RuleInput = {
  name: 'no .exe from outside',
  when: { all: [{ direction: 'inbound' }, { attachment: { name: { endsWith: '.exe' } } }] },
  actions: [{ action: 'reject', text: 'Executables are not accepted' }],
};
const invoices: RuleInput = {
  name: '发票 from outside failing DMARC',
  when: {
    all: [
      { header: { name: 'subject', contains: '发票' } },
      { not: { auth: { method: 'dmarc', result: 'pass' } } },
    ],
  },
  actions: [{ action: 'junk' }],
};

describe.each(databases.engines)('filter API on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let jd: JdMail;

  beforeAll(async () => {
    db = await databases.fresh(engine);
    // The filter pipeline off: with it, the rules below would refuse at DATA the message the dry run
    // needs stored (applying rules over SMTP is test/filter-pipeline.test.ts's job).
    server = await startServer({ databaseUrl: db.databaseUrl, env: { JDMAIL_FILTER_ENABLED: 'false' } });
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '', timeoutMs: 60_000 });
    await jd.domains.create('corp.test');
    await jd.users.create({ address: 'alice@corp.test', password: 'filter-password-1' });
  });
  afterAll(() => server?.destroy());

  it('stores the install’s, a domain’s and a user’s rules, and answers bad rules with the field', async () => {
    expect(await jd.filter.rules()).toEqual({ scope: 'system', owner: null, rules: [], updatedAt: null });
    const system = await jd.filter.replaceRules([exeFromOutside]);
    expect(system).toMatchObject({
      scope: 'system',
      owner: null,
      rules: [{ ...exeFromOutside, enabled: true }],
    });
    expect((await jd.filter.rules()).rules).toEqual(system.rules);
    await jd.filter.replaceRules([invoices], 'CORP.test');
    expect(await jd.filter.rules('corp.test')).toMatchObject({
      scope: 'domain',
      owner: 'corp.test',
      rules: [{ name: invoices.name }],
    });
    const away: RuleInput = {
      name: 'away',
      when: { direction: 'inbound' },
      actions: [{ action: 'vacation', days: 7, subject: 'Away', text: 'Back on Monday' }],
    };
    expect(await jd.filter.replaceUserRules('alice@corp.test', [away])).toMatchObject({
      scope: 'user',
      owner: 'alice@corp.test',
    });

    const refused = await jd.filter.replaceRules([away], 'corp.test').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).errors).toEqual([
      { field: 'rules[0].actions[0]', message: 'vacation replies are for personal rules only' },
    ]);
    const badIp = await jd.filter
      .replaceRules([
        { name: 'x', when: { clientIp: ['10.0.0.0/40'] }, actions: [{ action: 'junk' as const }] },
      ])
      .catch((e: unknown) => e);
    expect((badIp as ValidationError).errors?.[0]?.field).toBe('rules[0].when.clientIp[0]');
    const unknown = await fetch(`${server.baseUrl}/api/v1/rules`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        rules: [{ name: 'x', when: { regex: '(a+)+$' }, actions: [{ action: 'junk' }] }],
      }),
    });
    expect(unknown.status).toBe(422);
    // Refused writes changed nothing.
    expect((await jd.filter.rules('corp.test')).rules.map((r) => r.name)).toEqual([invoices.name]);
    expect((await jd.filter.rules()).rules.map((r) => r.name)).toEqual([exeFromOutside.name]);
  });

  it('dry-runs the rules that apply on a message delivered over SMTP, and changes nothing', async () => {
    const smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      secure: false,
      tls: { rejectUnauthorized: false },
    });
    await smtp.sendMail({
      from: 'billing@vendor.example',
      to: 'alice@corp.test',
      subject: '请查收发票',
      text: 'see attached',
      attachments: [{ filename: 'invoice.exe', content: Buffer.from('MZ not really') }],
    });
    smtp.close();
    const [message] = (await jd.mail.list('alice@corp.test')).items;
    expect(message).toBeDefined();
    const id = (message as { id: string }).id;
    const out = await jd.filter.test({ user: 'alice@corp.test', messageId: id });
    expect(out.matched.map((m) => [m.scope, m.name])).toEqual([['system', exeFromOutside.name]]);
    expect(out.verdict).toMatchObject({
      kind: 'reject',
      answer: { code: 550, enhanced: '5.7.1', text: 'Executables are not accepted' },
    });
    expect(out.facts).toMatchObject({
      from: 'billing@vendor.example',
      attachments: [{ name: 'invoice.exe' }],
    });
    // Given rules, as the domain's: the 发票 rule junks it; as an outbound message the exe rule would not fire.
    const tried = await jd.filter.test({
      user: 'alice@corp.test',
      messageId: id,
      scope: 'domain',
      rules: { rules: [exeFromOutside, invoices] },
      envelope: { direction: 'outbound' },
    });
    expect(tried.matched.map((m) => m.name)).toEqual([invoices.name]);
    expect(tried.verdict?.kind).toBe('junk');
    expect((await jd.mail.get('alice@corp.test', id)).unread).toBe(true);
    const missing = await fetch(`${server.baseUrl}/api/v1/rules/test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice@corp.test', messageId: 'nope' }),
    });
    expect([missing.status, ((await missing.json()) as { code: string }).code]).toEqual([
      404,
      'MESSAGE_NOT_FOUND',
    ]);
  });

  it('stores group policies, filling absent fields with the open policy', async () => {
    const interns = await jd.groups.create({ domain: 'corp.test', name: 'Interns', kind: 'department' });
    expect(await jd.filter.groupPolicy(interns.id)).toEqual({
      send: 'anywhere',
      receive: 'anywhere',
      maxSendBytes: null,
      maxReceiveBytes: null,
      sizeLimitsApply: 'all',
      allowedRecipientDomains: [],
    });
    expect(
      await jd.filter.replaceGroupPolicy(interns.id, { send: 'inside', maxSendBytes: 1_000_000 }),
    ).toMatchObject({
      send: 'inside',
      receive: 'anywhere',
      maxSendBytes: 1_000_000,
    });
    expect((await jd.filter.groupPolicy(interns.id)).send).toBe('inside');
    await expect(jd.filter.groupPolicy('no-such-group')).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });
    await expect(
      jd.filter.replaceGroupPolicy(interns.id, { send: 'nowhere' as 'inside' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
