import type { Readable } from 'node:stream';
import type { Static } from 'typebox';
import { Type } from 'typebox';
import type { UploadInfo } from '../../../../mail/index.js';
import { AppError } from '../../../../shared/index.js';
import { ref } from '../../../schemas/common.js';
import { UploadModel } from '../../../schemas/compose.js';
import { PATTERNS } from '../../../schemas/patterns.js';
import { NO_CONTENT, op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { required } from '../required.js';
import { UserParams } from '../users/users.js';

const CALLERS = 'the user themselves; admins of the user’s domain; keys with `mail:write` for them';

const UploadParams = Type.Object({
  address: UserParams.properties.address,
  id: Type.String({ minLength: 1, maxLength: 64, description: 'Upload id' }),
});

const MEDIA_TYPE = new RegExp(PATTERNS.mimeType.pattern);

const toUploadJson = (u: UploadInfo): Static<typeof UploadModel> => ({
  id: u.id,
  name: u.name,
  size: u.size,
  contentType: u.contentType,
  expiresAt: new Date(u.expiresAt).toISOString(),
});

/** The request's media type when it is one (parameters dropped), else octet-stream. */
function uploadType(header: string | undefined): string {
  const type = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type && type.length <= 255 && MEDIA_TYPE.test(type) ? type : 'application/octet-stream';
}

/** `POST/DELETE /users/{address}/uploads`: files streamed to disk, attached later by id. */
export const uploadRoutes: V1Plugin = async (app, { directory, uploads }) => {
  // Every body of these routes is a file, whatever its type (a JSON file too): it is handed to the
  // handler as the request stream, unread, and streamed to disk there. This plugin's scope only.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.post(
    '/users/:address/uploads',
    {
      ...op(
        {
          operationId: 'createUpload',
          tag: 'mail',
          summary: 'Upload a file to attach',
          description:
            'The request body is the file itself (any `Content-Type`, kept as its type; no JSON, no ' +
            'multipart), streamed to disk under the data directory and never held in memory. Attach ' +
            'it to a send or a draft with `{ "uploadId": id }`. The size limit is the server’s message ' +
            'size limit (`smtp.maxMessageSize`): a larger file is refused with `413 MESSAGE_TOO_LARGE`, ' +
            'from its `Content-Length` before any byte is read. Uploads are deleted after 24 hours, or ' +
            'with `DELETE`; a send does not delete them (a failed send can be retried). Every answer ' +
            'carries the limit in bytes in `X-Max-Size`.',
          scope: 'mail:write',
          callers: CALLERS,
        },
        {
          params: UserParams,
          querystring: Type.Object({
            name: Type.String({
              minLength: 1,
              maxLength: 255,
              pattern: PATTERNS.filename.pattern,
              description: 'The file name (UTF-8, percent-encoded in the URL, e.g. `季度报告.pdf`)',
            }),
          }),
          body: {
            content: {
              '*/*': { schema: { contentMediaType: 'application/octet-stream', description: 'The file' } },
            },
          },
          response: { 201: ref(UploadModel, 'Stored'), ...problems(403, 404, 413, 422) },
        },
      ),
      // Not enforced by fastify for a stream; the upload store counts bytes and stops past it.
      bodyLimit: uploads?.maxSize,
    },
    async (request, reply) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      const store = required(uploads, 'The upload store');
      const declared = Number(request.headers['content-length']);
      // The limit in a header too, so that a client can say it in its own words and check later files.
      reply.header('x-max-size', String(store.maxSize));
      const tooLarge = () =>
        new AppError(
          'MESSAGE_TOO_LARGE',
          `The file is larger than this server takes: at most ${store.maxSize} bytes`,
        );
      // Answered before the body is read (the HTTP server drops what the client still sends).
      if (Number.isFinite(declared) && declared > store.maxSize) throw tooLarge();
      const body = request.body as Readable | undefined;
      if (!body || typeof (body as Readable).pipe !== 'function')
        throw new AppError('VALIDATION_FAILED', 'body: the file is required', { field: 'body' });
      try {
        const info = await store.save(user.id, {
          name: request.query.name,
          contentType: uploadType(request.headers['content-type']),
          body,
        });
        return reply.code(201).send(toUploadJson(info));
      } catch (err) {
        // Past the limit mid-stream (no Content-Length): the rest of the body is read and dropped by
        // the HTTP server, so that the client, still sending, gets this answer rather than a reset.
        if (err instanceof AppError && err.code === 'MESSAGE_TOO_LARGE') throw tooLarge();
        throw err;
      }
    },
  );

  app.delete(
    '/users/:address/uploads/:id',
    op(
      {
        operationId: 'deleteUpload',
        tag: 'mail',
        summary: 'Delete an upload',
        description: 'Removes an upload that is no longer wanted (a removed attachment, a discarded draft).',
        scope: 'mail:write',
        callers: CALLERS,
      },
      { params: UploadParams, response: { ...NO_CONTENT, ...problems(403, 404) } },
    ),
    async (request, reply) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      await required(uploads, 'The upload store').remove(user.id, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
