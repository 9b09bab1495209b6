import { Type } from 'typebox';
import { ErrorCodes } from '../../shared/index.js';

const codeList = Object.entries(ErrorCodes)
  .map(([code, { status, title }]) => `\`${code}\` (${status}) ${title}`)
  .join('; ');

export const FieldError = Type.Object(
  {
    field: Type.String({ description: 'Where the problem is: `body.address`, `query.limit`, `params.id` …' }),
    message: Type.String(),
  },
  { $id: 'FieldError', title: 'FieldError', description: 'One invalid input field' },
);

/**
 * RFC 9457 problem details, the body of every error response
 * (`application/problem+json`). `code` is stable and never reused.
 */
export const Problem = Type.Object(
  {
    type: Type.String({
      format: 'uri',
      description: 'https://jdmail.dev/problems/<code in kebab-case>',
      examples: ['https://jdmail.dev/problems/user-not-found'],
    }),
    title: Type.String({ description: 'Short summary of the problem class' }),
    status: Type.Integer({ minimum: 400, maximum: 599, description: 'The HTTP status code' }),
    detail: Type.String({ description: 'What went wrong in this occurrence' }),
    code: Type.String({ description: `Stable error code: ${codeList}`, examples: ['USER_NOT_FOUND'] }),
    instance: Type.Optional(Type.String({ description: 'The request path' })),
    errors: Type.Optional(
      Type.Array(Type.Unsafe<{ field: string; message: string }>({ $ref: 'FieldError' })),
    ),
  },
  { $id: 'Problem', title: 'Problem', description: 'RFC 9457 problem details with a stable `code`' },
);

export const PROBLEM_TYPE_BASE = 'https://jdmail.dev/problems/';
