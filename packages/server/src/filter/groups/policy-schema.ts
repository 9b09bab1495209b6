import { type Static, Type } from 'typebox';

const Reach = (what: string) =>
  Type.Unsafe<'anywhere' | 'inside'>({
    type: 'string',
    enum: ['anywhere', 'inside'],
    default: 'anywhere',
    description: `${what}: \`anywhere\`, or \`inside\` the company only (its local domains)`,
  });

const Bytes = (description: string) =>
  Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { default: null, description });

/** What a group's members may send and receive (issue 24, "group mail policies"). */
export const GroupPolicyModel = Type.Object(
  {
    send: Reach('Where members may send mail'),
    receive: Reach('Whom members may receive mail from'),
    maxSendBytes: Bytes('Largest message a member may send; null: no group limit'),
    maxReceiveBytes: Bytes('Largest message a member may receive; null: no group limit'),
    sizeLimitsApply: Type.Unsafe<'all' | 'outside'>({
      type: 'string',
      enum: ['all', 'outside'],
      default: 'all',
      description: 'The size limits apply to all mail, or only to mail to or from outside the company',
    }),
    allowedRecipientDomains: Type.Array(
      Type.String({ minLength: 1, maxLength: 253, pattern: '^[^@\\s]+$' }),
      {
        maxItems: 500,
        default: [],
        description:
          'When not empty, members may send outside the company only to these domains (and their subdomains)',
      },
    ),
  },
  {
    $id: 'GroupPolicy',
    title: 'GroupPolicy',
    description: 'A group’s mail policy; it binds every member, also of its subgroups',
    additionalProperties: false,
  },
);
export type GroupPolicy = Static<typeof GroupPolicyModel>;

/** The policy of a group without one: no restriction. */
export const OPEN_POLICY: GroupPolicy = {
  send: 'anywhere',
  receive: 'anywhere',
  maxSendBytes: null,
  maxReceiveBytes: null,
  sizeLimitsApply: 'all',
  allowedRecipientDomains: [],
};
