import libmime from 'libmime';
import type { ByteReplacement } from '../store/index.js';

/** Where the top-level Subject field lies in a head: the field with its folded lines and line end. */
interface SubjectField {
  start: number;
  /** Just after the colon. */
  value: number;
  end: number;
}

/** The rewritten Subject of a message: the store's byte replacement and the head as stored. */
export interface SubjectEdit {
  replace: ByteReplacement;
  /** The head with the same change, for the index (REST lists, IMAP ENVELOPE). */
  head: Buffer;
}

const SUBJECT_NAME = /subject[ \t]*:/iy;

/**
 * Finds the first Subject field of the top-level header section of `head`
 * (RFC 5322 §2.2: a field goes on over lines that start with SP or HTAB).
 * `null` when the section has none; `undefined` when that cannot be told
 * (the section goes on past the head).
 */
function findSubject(head: Buffer, whole: boolean): SubjectField | null | undefined {
  // latin1 keeps one character per byte, so string offsets are byte offsets.
  const text = head.toString('latin1');
  let found: SubjectField | undefined;
  for (let pos = 0; ; ) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0 && !whole) return undefined;
    const lineEnd = nl < 0 ? text.length : nl + 1;
    const folded = text[pos] === ' ' || text[pos] === '\t';
    const blank = pos === text.length || text[pos] === '\n' || text.startsWith('\r\n', pos);
    if (found && !folded) return { ...found, end: pos };
    if (blank) return null;
    SUBJECT_NAME.lastIndex = pos;
    if (!folded && SUBJECT_NAME.test(text))
      found = { start: pos, value: text.indexOf(':', pos) + 1, end: lineEnd };
    if (lineEnd === text.length) {
      if (!whole) return undefined; // the next line, past the head, may still fold into this field
      return found ? { ...found, end: lineEnd } : null;
    }
    pos = lineEnd;
  }
}

/** The decoded, unfolded subject (RFC 2047 words decoded), to tell whether it starts with a tag. */
const decodedSubject = (raw: Buffer): string =>
  libmime.decodeWords(
    raw
      .toString('utf8')
      .replace(/\r?\n(?=[ \t])/g, '')
      .trim(),
  );

const isPrintableAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);

/**
 * The tag as it goes into the field: as is when printable ASCII, else one
 * RFC 2047 encoded word. Whitespace between two encoded words is dropped by
 * readers (RFC 2047 §6.2), so before a value that starts with one the space
 * goes inside the tag's word.
 */
function encodedTag(tag: string, spaceInside: boolean): string {
  if (isPrintableAscii(tag)) return tag;
  return libmime.encodeWord(spaceInside ? `${tag} ` : tag, 'Q', 0);
}

/**
 * The change that puts `tags` in front of the message's Subject (the filter's
 * `tagSubject`): `Subject: <tag> <original value, bytes and folding as they
 * were>`; `Subject: <tag>` added at the top of the header section when there is
 * none. A tag the subject already starts with is not added again. Offsets are
 * of the writer's bytes: `offset` (our trace prefix, which the head does not
 * hold) plus the head's. `whole`: the head is the whole message. Nothing when
 * nothing changes, or when the header section goes on past the head (its
 * Subject cannot be found there; the message is stored untagged).
 */
export function subjectTagEdit(
  head: Buffer,
  tags: readonly string[],
  offset: number,
  whole: boolean,
): SubjectEdit | undefined {
  const field = findSubject(head, whole);
  if (field === undefined) return undefined;
  const raw = field ? head.subarray(field.value, field.end) : Buffer.alloc(0);
  const current = decodedSubject(raw);
  const wanted = [...new Set(tags)].filter((t) => !current.startsWith(t)).join(' ');
  if (wanted === '') return undefined;
  const bytes = field ? taggedField(raw, wanted) : Buffer.from(`Subject: ${encodedTag(wanted, false)}\r\n`);
  const at = field ?? { start: 0, end: 0 };
  return {
    replace: { start: offset + at.start, end: offset + at.end, bytes },
    head: Buffer.concat([head.subarray(0, at.start), bytes, head.subarray(at.end)]),
  };
}

/** `Subject: <tags> ` and the original value after its leading whitespace (its folding kept). */
function taggedField(raw: Buffer, tag: string): Buffer {
  let skip = 0;
  while (skip < raw.length && (raw[skip] === 0x20 || raw[skip] === 0x09)) skip++;
  const rest = raw.subarray(skip);
  // An empty first line (value folded onto the next, or none at all): its line break follows the tag.
  const lineBreak = rest[0] === 0x0d || rest[0] === 0x0a || rest.length === 0;
  const beforeWord = rest.subarray(0, 2).toString('latin1') === '=?';
  // A non-ASCII tag before an encoded word carries the separating space inside its own word.
  const inside = !lineBreak && beforeWord && !isPrintableAscii(tag);
  const separator = lineBreak || inside ? '' : ' ';
  return Buffer.concat([Buffer.from(`Subject: ${encodedTag(tag, inside)}${separator}`, 'latin1'), rest]);
}
