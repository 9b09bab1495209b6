/** One header field of a message: name lower-cased, value unfolded (RFC 5322 §2.2.3). */
export interface HeaderField {
  name: string;
  value: string;
}

/** The header fields of the head of a message (the bytes up to the first empty line). */
export function headerFields(head: Buffer): HeaderField[] {
  const text = head.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const section = end < 0 ? text : text.slice(0, end);
  const fields: HeaderField[] = [];
  for (const line of section.split(/\r?\n/)) {
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return fields;
}

/** The value of the first field called `name` (lower-case), or undefined. */
export const fieldValue = (fields: readonly HeaderField[], name: string): string | undefined =>
  fields.find((f) => f.name === name)?.value;
