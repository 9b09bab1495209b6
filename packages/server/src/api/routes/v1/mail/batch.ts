import type { MessagePatch } from '../../../../mail/index.js';
import { AppError, isAppError } from '../../../../shared/index.js';
import { ref } from '../../../schemas/common.js';
import { MessageBatchBody, MessageBatchResult } from '../../../schemas/mail-batch.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { UserParams } from '../users/users.js';

/** Messages changed at once: each is its own store transaction, and a few in flight keep the pool busy, not full. */
const CONCURRENCY = 4;

type Action = 'move' | 'delete' | 'read' | 'unread' | 'flag' | 'unflag';

const PATCHES: Record<Exclude<Action, 'move' | 'delete'>, MessagePatch> = {
  read: { unread: false },
  unread: { unread: true },
  flag: { flagged: true },
  unflag: { flagged: false },
};

/** The result of one id: an error for the caller's input fails the call; one for a message fails only its row. */
function rowOf(id: string, error: unknown) {
  if (!error) return { id, status: 'ok' as const };
  if (isAppError(error) && error.code === 'MESSAGE_NOT_FOUND') return { id, status: 'not_found' as const };
  if (isAppError(error) && error.code === 'MAILBOX_NOT_FOUND') throw error; // the destination: the whole call
  return { id, status: 'failed' as const, code: isAppError(error) ? error.code : 'INTERNAL' };
}

/** `POST /users/{address}/messages:batch`: one action on up to 1,000 messages of one user. */
export const messageBatchRoutes: V1Plugin = async (app, { directory, mail }) => {
  app.post(
    // `::` is a literal colon in fastify's router: the path is /messages:batch (Google AIP-136 style).
    '/users/:address/messages::batch',
    op(
      {
        operationId: 'batchMessages',
        tag: 'mail',
        summary: 'Move, delete or mark many messages',
        description:
          'One action on up to 1,000 of the user’s messages, for a mail client’s bulk selection: `move` (with ' +
          '`mailbox`), `delete` (at once), `read`, `unread`, `flag`, `unflag`. Each message is changed as ' +
          '`PATCH`/`DELETE …/messages/{id}` would (IMAP clients see it, moves into and out of Junk teach the ' +
          'spam filter); the answer has one result per id, in order. An id the user does not have answers ' +
          '`not_found` without failing the others; an unknown `mailbox` fails the call (404) before anything is moved.',
        scope: 'mail:write',
        callers: 'the user themselves; admins of the user’s domain',
      },
      {
        params: UserParams,
        body: ref(MessageBatchBody),
        response: {
          200: ref(MessageBatchResult, 'One result per id'),
          ...problems(403, 404, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      const { ids, action } = request.body;
      let mailbox: string | undefined;
      if (action === 'move') {
        const asked = request.body.mailbox;
        if (!asked) throw new AppError('VALIDATION_FAILED', '`mailbox` is required to move');
        const inbox = asked.toUpperCase() === 'INBOX';
        const boxes = await mail.listMailboxes(user.address);
        mailbox = boxes.find((b) => b.name === asked || (inbox && b.name.toUpperCase() === 'INBOX'))?.name;
        if (!mailbox) throw new AppError('MAILBOX_NOT_FOUND', `no mailbox ${asked}`);
      }
      const one = (id: string): Promise<unknown> =>
        action === 'delete'
          ? mail.deleteMessage(user.address, id)
          : mail.updateMessage(user.address, id, action === 'move' ? { mailbox } : PATCHES[action]);
      const results: ReturnType<typeof rowOf>[] = new Array(ids.length);
      let next = 0;
      const worker = async () => {
        while (next < ids.length) {
          const index = next++;
          const id = ids[index] as string;
          results[index] = rowOf(
            id,
            await one(id).then(
              () => null,
              (e: unknown) => e ?? new Error('failed'),
            ),
          );
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
      return { results };
    },
  );
};
