import { Type } from 'typebox';

/**
 * `scim`: the SCIM 2.0 server at `/scim/v2` (see the README section on SCIM
 * provisioning). It needs no switch: only an API key or app with the
 * `scim:write` scope can use it.
 */
export const ScimSchema = Type.Object(
  {
    deleteAction: Type.Union([Type.Literal('disable'), Type.Literal('delete')], {
      default: 'disable',
      description:
        'What a SCIM DELETE of a user does: disable (keep the user and their mail, disabled; SCIM then answers 404 and a later POST of the same userName brings them back) or delete (the user and all their mail)',
    }),
    maxResults: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 200,
      description: 'The most resources one SCIM list answers (a larger count is capped to it)',
    }),
  },
  { default: {}, additionalProperties: false },
);
