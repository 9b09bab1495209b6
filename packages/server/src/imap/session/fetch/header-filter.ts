const CRLF = Buffer.from('\r\n');

/** One field of a header section: its name (lower case) and its raw bytes, continuation lines and line breaks included. */
export interface RawField {
  readonly name: string;
  readonly bytes: Buffer;
}

/**
 * The fields of a header section in order, each with its folded lines; the
 * empty line that ends the section is not a field. A line without a colon
 * is a field with no name (kept by HEADER.FIELDS.NOT, as Dovecot keeps it).
 */
export function splitFields(header: Buffer): RawField[] {
  const fields: RawField[] = [];
  let start = 0;
  let pos = 0;
  while (pos < header.length) {
    const lf = header.indexOf(0x0a, pos);
    const end = lf < 0 ? header.length : lf + 1;
    const first = header[end];
    const continued = end < header.length && (first === 0x20 || first === 0x09);
    if (!continued) {
      const bytes = header.subarray(start, end);
      if (!isEmptyLine(bytes)) fields.push({ name: fieldName(bytes), bytes });
      start = end;
    }
    pos = end;
  }
  return fields;
}

function isEmptyLine(bytes: Buffer): boolean {
  return bytes.length === 0 || (bytes[0] === 0x0a && bytes.length === 1) || bytes.equals(CRLF);
}

function fieldName(bytes: Buffer): string {
  const colon = bytes.indexOf(0x3a);
  const lf = bytes.indexOf(0x0a);
  if (colon < 0 || (lf >= 0 && colon > lf)) return '';
  return bytes.subarray(0, colon).toString('latin1').trimEnd().toLowerCase();
}

/**
 * BODY[HEADER.FIELDS (...)] and HEADER.FIELDS.NOT (RFC 9051 §6.4.5): the
 * fields whose names are (or are not) in `names`, as stored and in order,
 * then the empty line that ends a header section. A last field without a
 * line break gets one, so the result is always a header section.
 */
export function filterHeader(header: Buffer, names: readonly string[], not: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const out: Buffer[] = [];
  for (const field of splitFields(header)) {
    const listed = field.name !== '' && wanted.has(field.name);
    if (listed === not) continue;
    out.push(field.bytes);
    if (field.bytes[field.bytes.length - 1] !== 0x0a) out.push(CRLF);
  }
  out.push(CRLF);
  return Buffer.concat(out);
}
