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
      format: 'uri-reference',
      description:
        'The problem type: `/docs/errors#<code>`, a page of this server that explains the code (a reference relative to the API’s origin, RFC 9457 §3.1.1)',
      examples: ['/docs/errors#USER_NOT_FOUND'],
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

/** Problem types are anchors of the server's own error reference (`/docs/errors`). */
export const PROBLEM_TYPE_BASE = '/docs/errors#';
