import { type Envelope, envelopeValue } from './envelope.js';
import type { ResponseValue } from './response-value.js';

/** Parameters in header order (`charset=utf-8` → `['charset', 'utf-8']`); raw 8-bit values as Buffers. */
export type MimeParameters = ReadonlyArray<readonly [string, string | Buffer]>;

/**
 * The MIME tree of a message, as BODY and BODYSTRUCTURE describe it (RFC
 * 9051 §7.5.2). The session fills it from the stored message; sizes are of
 * the part's body as stored (still transfer-encoded), `lines` its line count.
 */
export interface MimePart {
  /** `text`, `image`, `multipart`, `message` … */
  readonly type: string;
  readonly subtype: string;
  readonly parameters?: MimeParameters;
  readonly id?: string | Buffer | null;
  readonly description?: string | Buffer | null;
  /** Content-Transfer-Encoding; default 7BIT. */
  readonly encoding?: string | null;
  /** Octets of the part's body. */
  readonly size: number;
  /** Lines of the body: needed for text/* and message/rfc822 (0 when unknown). */
  readonly lines?: number;
  readonly md5?: string | Buffer | null;
  readonly disposition?: { readonly type: string; readonly parameters?: MimeParameters } | null;
  readonly language?: readonly string[] | null;
  readonly location?: string | Buffer | null;
  /** The parts of a multipart/*. */
  readonly children?: readonly MimePart[];
  /** The enclosed message of message/rfc822 or message/global. */
  readonly message?: { readonly envelope: Envelope; readonly body: MimePart };
}

const EMPTY_TEXT: MimePart = { type: 'text', subtype: 'plain', size: 0, lines: 0 };

/**
 * The value of BODYSTRUCTURE (`extensible` true: with the extension data)
 * or of BODY (false: without it). A multipart with no parts (a broken
 * message) gets one empty text/plain part, since the grammar needs one.
 */
export function bodyStructureValue(part: MimePart, extensible: boolean): ResponseValue {
  if (part.type.toLowerCase() === 'multipart') {
    const children = part.children && part.children.length > 0 ? part.children : [EMPTY_TEXT];
    const value: ResponseValue[] = [
      { concat: children.map((c) => bodyStructureValue(c, extensible)) },
      upper(part.subtype),
    ];
    if (extensible) value.push(parameters(part.parameters), ...trailer(part));
    return value;
  }
  const value: ResponseValue[] = [
    upper(part.type),
    upper(part.subtype),
    parameters(part.parameters),
    part.id ?? null,
    part.description ?? null,
    upper(part.encoding || '7BIT'),
    part.size,
  ];
  const type = part.type.toLowerCase();
  const subtype = part.subtype.toLowerCase();
  if (type === 'message' && (subtype === 'rfc822' || subtype === 'global') && part.message) {
    value.push(
      envelopeValue(part.message.envelope),
      bodyStructureValue(part.message.body, extensible),
      part.lines ?? 0,
    );
  } else if (type === 'text') value.push(part.lines ?? 0);
  if (extensible) value.push(part.md5 ?? null, ...trailer(part));
  return value;
}

/** body-fld-dsp SP body-fld-lang SP body-fld-loc. */
function trailer(part: MimePart): ResponseValue[] {
  const disposition = part.disposition
    ? [upper(part.disposition.type), parameters(part.disposition.parameters)]
    : null;
  const language =
    !part.language || part.language.length === 0
      ? null
      : part.language.length === 1
        ? (part.language[0] as string)
        : [...part.language];
  return [disposition, language, part.location ?? null];
}

/** body-fld-param: NIL when there are none. */
function parameters(list: MimeParameters | undefined): ResponseValue {
  if (!list || list.length === 0) return null;
  return list.flatMap(([name, value]) => [upper(name), value]);
}

function upper(text: string): string {
  return text.toUpperCase();
}
