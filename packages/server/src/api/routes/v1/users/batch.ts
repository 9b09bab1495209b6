import type { CreateUserInput, Directory, User } from '../../../../directory/index.js';
import { type AppError, isAppError, normalizeAddress } from '../../../../shared/index.js';
import { principalOf } from '../../../auth/index.js';
import { problemFieldErrors, toAppError, validationFailed } from '../../../errors/to-problem.js';
import { ref } from '../../../schemas/common.js';
import {
  BatchCreateUsersBody,
  BatchCreateUsersResult,
  CreateUserBody,
  toUserJson,
} from '../../../schemas/user.js';
import { buildValidatorFactory } from '../../../validation/compiler.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';
import { assertMayCreateUser } from './create-checks.js';

/** Rows made at once: the password KDF runs on libuv's four threads, and more would only queue. */
const CONCURRENCY = 4;

type RowResult =
  | { index: number; address: string; status: 'created' | 'exists'; user: ReturnType<typeof toUserJson> }
  | {
      index: number;
      address: string;
      status: 'failed';
      error: { status: number; code: string; detail: string; errors?: { field: string; message: string }[] };
    };

/**
 * Each row is checked against `CreateUserRequest` on its own — with the same
 * validator every route has (text rules included) — so one bad row fails
 * only itself.
 */
function rowValidator() {
  const compile = buildValidatorFactory()({ CreateUserRequest: CreateUserBody as never }, {
    customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true },
  } as never);
  const validate = compile({
    schema: { $ref: 'CreateUserRequest' },
    method: 'POST',
    url: '/users',
    httpPart: 'body',
  } as never) as unknown as ((row: unknown) => boolean) & { errors?: never[] | null };
  return (row: unknown): AppError | null => (validate(row) ? null : validationFailed(validate.errors ?? []));
}

/** `POST /users:batch`: up to 1,000 users in one call, each with its own result. */
export const userBatchRoutes: V1Plugin = async (app, { directory }) => {
  const check = rowValidator();
  app.post(
    // `::` is a literal colon in fastify's router: the path is /users:batch (Google AIP-136 style).
    '/users::batch',
    op(
      {
        operationId: 'createUsersBatch',
        tag: 'users',
        summary: 'Create many users',
        description:
          'Up to 1,000 users per call, each checked and made on its own: the answer is 200 with one result per ' +
          'row, in order — `created` with the user, `exists` (with `skipExisting` and a user of that address the ' +
          'caller may see), or `failed` with the problem that `POST /users` would have answered. Rows are made ' +
          'four at a time; a row with a password costs the server about 0.1 s of CPU for its hash (scrypt), so ' +
          '1,000 such rows take some 30–60 s on two cores, and rows without one (SSO or directory users) far less.',
        scope: 'users:write',
        callers: 'admins of each row’s domain (rows outside them fail with 404, as POST /users would)',
      },
      {
        body: ref(BatchCreateUsersBody),
        response: {
          200: ref(BatchCreateUsersResult, 'One result per row'),
          ...problems(403, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request) => {
      const principal = principalOf(request);
      const { users, skipExisting = false } = request.body;
      const results: RowResult[] = new Array(users.length);
      const one = async (index: number) => {
        const row = users[index] as Record<string, unknown>;
        const address = typeof row.address === 'string' ? row.address : '';
        try {
          const invalid = check(row);
          if (invalid) throw invalid;
          const input = row as unknown as CreateUserInput;
          assertMayCreateUser(principal, input);
          const made = await createOrFind(directory, input, skipExisting, principal);
          results[index] = { index, address, status: made.status, user: toUserJson(made.user) };
        } catch (err) {
          const e = toAppError(err);
          if (!isAppError(err) && e.code === 'INTERNAL')
            request.log.error({ err, index }, 'batch row failed');
          const errors = problemFieldErrors(e);
          results[index] = {
            index,
            address,
            status: 'failed',
            error: {
              status: e.status,
              code: e.code,
              detail: e.message,
              ...(errors.length ? { errors } : {}),
            },
          };
        }
      };
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, users.length) }, async () => {
          while (next < users.length) await one(next++);
        }),
      );
      const count = (s: RowResult['status']) => results.filter((r) => r.status === s).length;
      request.log.info(
        { rows: users.length, created: count('created'), exists: count('exists'), failed: count('failed') },
        'user batch',
      );
      return { created: count('created'), exists: count('exists'), failed: count('failed'), results };
    },
  );
};

/**
 * Makes the user; with `skipExisting`, an address that is already a user the
 * caller may see answers that user instead of ADDRESS_TAKEN (a re-run of an
 * import is then harmless). Its fields are not changed.
 */
async function createOrFind(
  directory: Directory,
  input: CreateUserInput,
  skipExisting: boolean,
  principal: Parameters<typeof assertMayCreateUser>[0],
): Promise<{ status: 'created' | 'exists'; user: User }> {
  try {
    return { status: 'created', user: await directory.createUser(input) };
  } catch (err) {
    if (!skipExisting || !isAppError(err) || err.code !== 'ADDRESS_TAKEN') throw err;
    const existing = await directory.getUser(input.address).catch(() => null);
    // An alias or a group holds the address, or a user of a domain the caller may not see: as before.
    if (!existing || existing.address !== normalizeAddress(input.address)) throw err;
    assertMayCreateUser(principal, { address: existing.address });
    return { status: 'exists', user: existing };
  }
}
