import { type Static, Type } from 'typebox';
import { GroupPolicyModel, RULE_MODELS, type Rule, RuleSetBody } from '../../filter/index.js';
import { AddressString, iso, Nullable, ref, Timestamp } from './common.js';

export { GroupPolicyModel, RuleSetBody };

/** The rule models (conditions, actions, rules, rule sets) and the group policy, for `MODELS`. */
export const FILTER_MODELS = [...RULE_MODELS, GroupPolicyModel] as const;

const ScopeName = Type.Unsafe<'system' | 'domain' | 'user'>({
  type: 'string',
  enum: ['system', 'domain', 'user'],
  description: 'system: every domain; domain: one domain’s; user: one user’s personal rules',
});

export const StoredRulesModel = Type.Object(
  {
    scope: ScopeName,
    owner: Nullable(Type.String({ description: 'The domain or user address; null for system rules' })),
    rules: Type.Array(Type.Unsafe<Rule>({ $ref: 'Rule' }), { description: 'In evaluation order' }),
    updatedAt: Nullable(Timestamp('Last change; null when no rules were ever stored')),
  },
  { $id: 'StoredRules', title: 'StoredRules', description: 'A rule set and whose it is' },
);
export type StoredRulesJson = Static<typeof StoredRulesModel>;

export const toStoredRulesJson = (
  scope: 'system' | 'domain' | 'user',
  owner: string | null,
  set: { rules: Rule[]; updatedAt: number | null },
): StoredRulesJson => ({
  scope,
  owner,
  rules: set.rules,
  updatedAt: set.updatedAt === null ? null : iso(set.updatedAt),
});

export const RulesTestBody = Type.Object(
  {
    user: AddressString('The user whose stored message the rules run on'),
    messageId: Type.String({ minLength: 1, maxLength: 64, description: 'A message id of that user' }),
    rules: Type.Optional(
      ref(RuleSetBody, 'Rules to try; default: the rule sets that apply to the user and the caller may read'),
    ),
    scope: Type.Optional({
      ...ScopeName,
      description: 'The scope the given rules are tried as (default user)',
    }),
    envelope: Type.Optional(
      Type.Object(
        {
          direction: Type.Optional(
            Type.Unsafe<'inbound' | 'outbound'>({ type: 'string', enum: ['inbound', 'outbound'] }),
          ),
          from: Type.Optional(
            Type.String({ maxLength: 320, description: 'MAIL FROM; default the From address' }),
          ),
          clientIp: Type.Optional(Type.String({ minLength: 2, maxLength: 64 })),
          authenticated: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false, description: 'The envelope to assume (a stored message has none)' },
      ),
    ),
  },
  { $id: 'TestRulesRequest', title: 'TestRulesRequest', additionalProperties: false },
);

const VerdictJson = Type.Object(
  {
    kind: Type.String({ description: 'accept, junk, quarantine or reject' }),
    reasons: Type.Array(Type.String()),
    answer: Type.Optional(
      Type.Object(
        { code: Type.Integer(), enhanced: Type.String(), text: Type.String() },
        { description: 'The SMTP refusal' },
      ),
    ),
  },
  { description: 'What the rules decide' },
);

export const RulesTestResult = Type.Object(
  {
    matched: Type.Array(
      Type.Object({ scope: ScopeName, index: Type.Integer({ minimum: 0 }), name: Type.String() }),
      { description: 'Rules whose condition held, in order' },
    ),
    actions: Type.Array(Type.Unsafe<Rule['actions'][number]>({ $ref: 'RuleAction' }), {
      description: 'Actions to take, in order',
    }),
    verdict: Type.Union([VerdictJson, Type.Null()]),
    stopped: Type.Boolean({ description: 'A rule stopped the evaluation' }),
    facts: Type.Object(
      {
        direction: Type.String(),
        from: Type.String(),
        size: Type.Integer(),
        attachments: Type.Array(Type.Object({ name: Type.String(), type: Type.String() })),
        auth: Type.Object({
          spf: Type.Optional(Type.String()),
          dkim: Type.Optional(Type.String()),
          dmarc: Type.Optional(Type.String()),
        }),
        spamScore: Nullable(Type.Number()),
        groups: Type.Object({ sender: Type.Array(Type.String()), recipients: Type.Array(Type.String()) }),
      },
      { description: 'What the rules were evaluated on' },
    ),
  },
  { $id: 'RulesTestResult', title: 'RulesTestResult', description: 'A dry run: nothing was changed or sent' },
);
