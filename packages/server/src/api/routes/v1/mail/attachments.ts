import contentDisposition from 'content-disposition';
import { Type } from 'typebox';
import { PATTERNS } from '../../../schemas/patterns.js';
import { op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { UserParams } from '../users/users.js';
import { MAIL_READERS } from './mailboxes.js';

const AttachmentParams = Type.Object({
  address: UserParams.properties.address,
  id: Type.String({ minLength: 1, maxLength: 64, description: 'Message id' }),
  attachmentId: Type.String({
    pattern: PATTERNS.partNumber.pattern,
    description: 'The attachment’s `id` from the message view (its MIME part number)',
    examples: ['2', '1.2'],
  }),
});

// RFC 2045 §5.1: type "/" subtype, both tokens.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}$`);
const CHARSET = /^[A-Za-z0-9._:+-]{1,40}$/;

/** The attachment's own type when well-formed (plus its charset for text), else octet-stream. */
export function safeContentType(type: string, charset?: string | null): string {
  const t = type.trim().toLowerCase();
  if (!MEDIA_TYPE.test(t)) return 'application/octet-stream';
  return t.startsWith('text/') && charset && CHARSET.test(charset) ? `${t}; charset=${charset}` : t;
}

/**
 * `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266 §4.3, RFC 8187):
 * a Latin-1 fallback for old clients and the exact UTF-8 name for the rest.
 * Control characters and path separators are replaced, so a hostile name can
 * neither break the header nor suggest a directory.
 */
export function attachmentDisposition(filename: string | null, fallback: string): string {
  const cleaned = (filename ?? '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f/\\]/g, '_')
    .trim()
    .slice(0, 200);
  const name = cleaned.replace(/^\.+/, '') || fallback;
  return contentDisposition(name, { type: 'attachment' });
}

/** Downloads one attachment of a message, decoded, streamed from the stored message. */
export const attachmentRoutes: V1Plugin = async (app, { directory, mail }) => {
  app.get(
    '/users/:address/messages/:id/attachments/:attachmentId',
    op(
      {
        operationId: 'getAttachment',
        tag: 'mail',
        summary: 'Download an attachment',
        description:
          'The decoded content of one attachment, with its content type and a `Content-Disposition: ' +
          'attachment` carrying its file name (RFC 6266). Inline images referenced as `cid:` in the HTML ' +
          'body are attachments too.',
        scope: 'mail:read',
        callers: MAIL_READERS,
      },
      {
        params: AttachmentParams,
        response: {
          200: {
            description: 'The attachment',
            headers: {
              'Content-Disposition': { type: 'string', description: 'attachment; filename*=UTF-8…' },
            },
            content: {
              'application/octet-stream': {
                schema: { type: 'string', contentMediaType: 'application/octet-stream' },
              },
            },
          },
          ...problems(403, 404, 422),
        },
      },
    ),
    async (request, reply) => {
      const { id, attachmentId } = request.params;
      const user = await visibleUser(request, directory, 'mail:read', request.params.address);
      const found = await mail.openAttachment(user.address, id, attachmentId);
      return (
        reply
          .type(safeContentType(found.contentType, found.charset))
          .header('content-disposition', attachmentDisposition(found.filename, `attachment-${attachmentId}`))
          .header('x-content-type-options', 'nosniff')
          .header('cross-origin-resource-policy', 'same-origin')
          .header('cache-control', 'private, no-store')
          // Should a browser ever render it (it is a download), it gets no scripts and no origin.
          .header('content-security-policy', "default-src 'none'; sandbox")
          .send(found.content)
      );
    },
  );
};
