import {
  type MimeEntity,
  type MimeParams,
  parseDisposition,
  parseEncoding,
  parseLanguage,
} from '../../../mail/index.js';
import type { Envelope, MimeParameters, MimePart } from '../../protocol/index.js';
import { envelopeOf, wireText } from './envelope.js';

const NO_ENVELOPE: Envelope = {
  date: null,
  subject: null,
  from: null,
  sender: null,
  replyTo: null,
  to: null,
  cc: null,
  bcc: null,
  inReplyTo: null,
  messageId: null,
};
const EMPTY_BODY: MimePart = {
  type: 'text',
  subtype: 'plain',
  parameters: [['charset', 'us-ascii']],
  size: 0,
  lines: 0,
};

function params(list: MimeParams): MimeParameters {
  return list.map(([name, value]) => [name, wireText(value)] as const);
}

/** Content-Type parameters; a text part without a charset says us-ascii, its default (RFC 2045 §5.2). */
function typeParams(entity: MimeEntity): MimeParameters {
  const list = params(entity.contentType?.params ?? []);
  if (entity.type === 'text' && !list.some(([n]) => n.toLowerCase() === 'charset'))
    return [...list, ['charset', 'us-ascii']];
  return list;
}

function optional(value: string | undefined): string | Buffer | null {
  return value === undefined ? null : wireText(value);
}

/**
 * The MIME part model BODY and BODYSTRUCTURE are written from (RFC 9051
 * §7.5.2), for an entity of the parsed structure. A message/rfc822 part
 * whose body was not parsed (base64, quoted-printable) still needs an
 * envelope and a body in the grammar: an empty one, as Dovecot gives.
 */
export function mimePartOf(entity: MimeEntity): MimePart {
  const f = entity.fields;
  const disposition =
    f['content-disposition'] === undefined ? null : parseDisposition(f['content-disposition']);
  const isMessage = entity.type === 'message' && entity.subtype === 'rfc822';
  return {
    type: entity.type,
    subtype: entity.subtype,
    parameters: typeParams(entity),
    id: optional(f['content-id']),
    description: optional(f['content-description']),
    encoding: (f['content-transfer-encoding'] && parseEncoding(f['content-transfer-encoding'])) || '7BIT',
    size: entity.bodySize,
    lines: entity.bodyLines,
    md5: optional(f['content-md5']),
    disposition: disposition && { type: disposition.type, parameters: params(disposition.params) },
    language: f['content-language'] === undefined ? null : parseLanguage(f['content-language']),
    location: optional(f['content-location']),
    // A multipart with no parts (no boundary): one empty text part, as the grammar needs one.
    children:
      entity.children && (entity.children.length > 0 ? entity.children.map(mimePartOf) : [EMPTY_BODY]),
    message: isMessage
      ? entity.message
        ? { envelope: envelopeOf(entity.message), body: mimePartOf(entity.message) }
        : { envelope: NO_ENVELOPE, body: EMPTY_BODY }
      : undefined,
  };
}
