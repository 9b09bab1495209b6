import { Buffer } from 'node:buffer';
import type { Readable } from 'node:stream';
import type { SpamClassifier } from '../../../../filter/index.js';
import { AppError } from '../../../../shared/index.js';
import { authorize, principalOf } from '../../../auth/index.js';
import { ref } from '../../../schemas/common.js';
import { SpamTrainBody, SpamTrainResult } from '../../../schemas/spam.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';

/** The classifier, or 503 on a server built without it. */
function classifier(s: SpamClassifier | undefined): SpamClassifier {
  if (!s) throw new AppError('UNAVAILABLE', 'The spam classifier is not available on this server');
  return s;
}

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${field}: ${message}`, { errors: [{ field, message }] });

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks);
}

/** `raw` as bytes: base64 must be base64 (a typo would otherwise train on garbage). */
function decodeRaw(raw: string, encoding: 'text' | 'base64' | undefined): Buffer {
  if (encoding !== 'base64') return Buffer.from(raw, 'utf8');
  const compact = raw.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1)
    throw invalid('raw', 'is not base64');
  return Buffer.from(compact, 'base64');
}

/** `POST /spam/train`: teach the global model (system admins) or a user's own (the user, their domain's admins). */
export const spamTrainRoutes: V1Plugin = async (app, { directory, mail, spam }) => {
  app.post(
    '/spam/train',
    op(
      {
        operationId: 'trainSpam',
        tag: 'filter',
        summary: 'Learn one message as spam or ham',
        description:
          'Without `user`, `raw` trains the global model (system admins only: every user’s mail is scored with it). ' +
          'With `user`, `raw` or one of their stored messages (`messageId`) trains that user’s own model. ' +
          'Learning the same message again in the same class changes nothing (`already`); in the other class it is moved (`relearned`).',
        scope: 'mail:write',
        callers: 'system admins (global model); the user themself and admins of their domain (user model)',
        largeBody: true,
      },
      {
        body: ref(SpamTrainBody),
        response: {
          200: ref(SpamTrainResult, 'What the model did'),
          ...problems(403, 404, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request) => {
      const body = request.body;
      if ((body.raw === undefined) === (body.messageId === undefined))
        throw invalid(body.raw === undefined ? 'raw' : 'messageId', 'give exactly one of raw and messageId');
      const model = classifier(spam);
      if (body.user === undefined) {
        if (body.messageId !== undefined) throw invalid('messageId', 'a stored message needs its user');
        // The global model scores everyone's mail: an install-wide write (unrestricted callers only).
        authorize(principalOf(request), 'mail:write', { kind: 'system' }, 'USER_NOT_FOUND');
        const outcome = await model.learn(decodeRaw(body.raw as string, body.encoding), body.class);
        return { class: body.class, model: 'global' as const, user: null, outcome };
      }
      const user = await visibleUser(request, directory, 'mail:write', body.user);
      const raw =
        body.messageId !== undefined
          ? await readAll((await mail.openRaw(user.address, body.messageId)).stream)
          : decodeRaw(body.raw as string, body.encoding);
      const outcome = await model.learn(raw, body.class, { userId: user.id });
      return { class: body.class, model: 'user' as const, user: user.address, outcome };
    },
  );
};
