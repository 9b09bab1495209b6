import { type Static, type TSchema, Type } from 'typebox';

/**
 * Filter rules as JSON: a rule set is an ordered list of rules, each a
 * condition (`when`) and the actions taken when it holds (`actions`; not `then`, which would make a rule object look like a promise). The same
 * schemas validate REST bodies and document them in the OpenAPI document
 * (the `$id`s are its component names).
 *
 * Text is compared without regular expressions, so no rule can make the
 * evaluator backtrack for ever (ReDoS): `is`, `contains`, `startsWith`,
 * `endsWith`, `in` and `matches` (a wildcard pattern: `*` any run of
 * characters, `?` one character), all case-insensitive after Unicode NFKC
 * normalization (full-width Latin letters match their ASCII forms). Wildcard
 * matching takes at most (value length × pattern length) steps, and both are
 * capped.
 */

/** Longest text in a test (a pattern, a value to compare with). */
export const MAX_TEXT = 256;

const Text = (description: string) => Type.String({ minLength: 1, maxLength: MAX_TEXT, description });

const stringTestFields = {
  is: Type.Optional(Type.String({ maxLength: MAX_TEXT, description: 'Equal to (case-insensitive)' })),
  contains: Type.Optional(Text('Contains')),
  startsWith: Type.Optional(Text('Starts with')),
  endsWith: Type.Optional(Text('Ends with')),
  matches: Type.Optional(Text('Wildcard pattern: `*` any characters, `?` one character')),
  in: Type.Optional(
    Type.Array(Type.String({ maxLength: MAX_TEXT }), {
      minItems: 1,
      maxItems: 100,
      description: 'Equal to one of',
    }),
  ),
};

/** A test on a text value; every test given must hold. */
export const StringTest = Type.Object(stringTestFields, {
  $id: 'RuleStringTest',
  title: 'RuleStringTest',
  description: 'Tests on a text value, all of which must hold (case-insensitive, no regular expressions)',
  minProperties: 1,
  additionalProperties: false,
});
export type StringTest = Static<typeof StringTest>;
const StringTestRef = Type.Unsafe<StringTest>({ $ref: 'RuleStringTest' });

const Range = (unit: string) =>
  Type.Object(
    {
      over: Type.Optional(Type.Number({ description: `More than this (${unit})` })),
      under: Type.Optional(Type.Number({ description: `Less than this (${unit})` })),
    },
    { minProperties: 1, additionalProperties: false },
  );

export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror';
const AUTH_RESULTS: AuthResult[] = ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror'];

const only = <T extends Record<string, TSchema>>(props: T) =>
  Type.Object(props, { additionalProperties: false });
const stringEnum = <T extends string>(values: readonly T[], description: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], description });

/** A condition that names no other condition. */
const LeafConditions = [
  only({ from: StringTestRef }),
  only({ to: StringTestRef }),
  only({
    clientIp: Type.Array(Type.String({ minLength: 2, maxLength: 64 }), {
      minItems: 1,
      maxItems: 100,
      description: 'The connecting client is one of these IPs or networks (CIDR)',
    }),
  }),
  only({ authenticated: Type.Boolean({ description: 'The sender signed in (submission, API)' }) }),
  only({
    direction: stringEnum(['inbound', 'outbound'] as const, 'inbound: from outside; outbound: to outside'),
  }),
  only({
    header: Type.Object(
      {
        name: Type.String({
          minLength: 1,
          maxLength: 76,
          pattern: '^([!-9;-~]+|\\*)$',
          description: 'Header field name (case-insensitive), or `*` for any header',
        }),
        ...stringTestFields,
      },
      { minProperties: 2, additionalProperties: false },
    ),
  }),
  only({ size: Range('bytes') }),
  only({
    attachment: Type.Object(
      {
        name: Type.Optional(StringTestRef),
        type: Type.Optional(StringTestRef),
      },
      { minProperties: 1, additionalProperties: false, description: 'Some attachment matches both tests' },
    ),
  }),
  only({
    auth: only({
      method: stringEnum(['spf', 'dkim', 'dmarc'] as const, 'Which check'),
      result: stringEnum(AUTH_RESULTS, 'Its result (a message without it counts as `none`)'),
    }),
  }),
  only({ spamScore: Range('score; a message not scored has none and matches neither') }),
  only({
    memberOf: only({
      who: stringEnum(['sender', 'recipient'] as const, 'The envelope sender, or any recipient'),
      group: Type.String({ minLength: 1, maxLength: 320, description: 'Group id or distribution address' }),
    }),
  }),
];

const ConditionRef = Type.Unsafe<Condition>({ $ref: 'RuleCondition' });

/** One condition: a test on the message, or all/any/not of conditions (nested at most 8 deep). */
export const Condition = Type.Union(
  [
    only({ all: Type.Array(ConditionRef, { minItems: 1, maxItems: 50, description: 'Every one holds' }) }),
    only({ any: Type.Array(ConditionRef, { minItems: 1, maxItems: 50, description: 'At least one holds' }) }),
    only({ not: ConditionRef }),
    ...LeafConditions,
  ],
  { $id: 'RuleCondition', title: 'RuleCondition', description: 'A condition on a message' },
);

type Leaf = Static<(typeof LeafConditions)[number]>;
export type Condition = Leaf | { all: Condition[] } | { any: Condition[] } | { not: Condition };

const act = <T extends string, P extends Record<string, TSchema> = Record<never, TSchema>>(
  name: T,
  description: string,
  props: P = {} as P,
) => Type.Object({ action: Type.Literal(name), ...props }, { additionalProperties: false, description });

const Address = Type.String({ minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$' });

/** What a rule does when its condition holds. */
export const Action = Type.Union(
  [
    act('accept', 'Deliver; the spam stage’s verdict no longer counts (viruses still do)'),
    act('reject', 'Refuse at SMTP with 550 5.7.1 and the text', {
      text: Type.Optional(
        Type.String({ maxLength: 200, pattern: '^[ -~]*$', description: 'Printable ASCII' }),
      ),
    }),
    act('junk', 'Deliver to Junk'),
    act('quarantine', 'Hold for an administrator'),
    act('moveTo', 'Deliver to this folder', { folder: Type.String({ minLength: 1, maxLength: 255 }) }),
    act('markRead', 'Deliver already read'),
    act('forward', 'Also send to this address', { to: Address }),
    act('vacation', 'Auto-reply, once per sender in `days` (personal rules only; RFC 3834)', {
      days: Type.Integer({ minimum: 1, maximum: 365 }),
      subject: Type.String({ minLength: 1, maxLength: 200 }),
      text: Type.String({ minLength: 1, maxLength: 10_000 }),
    }),
    act('addHeader', 'Add a header field', {
      name: Type.String({ minLength: 1, maxLength: 76, pattern: '^[!-9;-~]+$' }),
      value: Type.String({ maxLength: 998, pattern: '^[^\\r\\n]*$' }),
    }),
    act('tagSubject', 'Put this tag in front of the subject', {
      tag: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\r\\n]*$' }),
    }),
    act('copyTo', 'Also deliver a copy to this (archive) mailbox', { address: Address }),
    act('stop', 'Evaluate no further rules'),
  ],
  { $id: 'RuleAction', title: 'RuleAction', description: 'An action of a rule' },
);
export type Action = Static<typeof Action>;
export type ActionName = Action['action'];

export const Rule = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Shown in traces and dry runs' }),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    when: ConditionRef,
    actions: Type.Array(Type.Unsafe<Action>({ $ref: 'RuleAction' }), { minItems: 1, maxItems: 20 }),
  },
  {
    $id: 'Rule',
    title: 'Rule',
    description: 'When the condition holds, take the actions',
    additionalProperties: false,
  },
);
export type Rule = Static<typeof Rule>;

/** Most rules in one set. */
export const MAX_RULES = 200;

export const RuleSetBody = Type.Object(
  {
    rules: Type.Array(Type.Unsafe<Rule>({ $ref: 'Rule' }), { maxItems: MAX_RULES, description: 'In order' }),
  },
  { $id: 'RuleSet', title: 'RuleSet', description: 'An ordered list of rules', additionalProperties: false },
);
export type RuleSet = Static<typeof RuleSetBody>;

/** The schemas to register (by `$id`) wherever these are validated. */
export const RULE_MODELS = [StringTest, Condition, Action, Rule, RuleSetBody] as const;
