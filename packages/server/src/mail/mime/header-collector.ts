import { MESSAGE_FIELDS, type MessageField, PART_FIELDS, type PartField } from './entity.js';

type KeptField = PartField | MessageField;

const PART = new Set<string>(PART_FIELDS);
const MESSAGE = new Set<string>([...PART_FIELDS, ...MESSAGE_FIELDS]);

/** Bytes kept of one field's value; longer values are cut (an envelope of a megabyte helps nobody). */
export const MAX_FIELD_BYTES = 64 * 1024;

/** A shared allowance of kept header bytes for one message, so 10,000 parts cannot hold gigabytes. */
export interface HeaderBudget {
  remaining: number;
}

/** Address fields: every occurrence counts (their lists are joined), as Dovecot reads them. */
const ADDRESS_FIELDS = new Set<string>(['from', 'sender', 'reply-to', 'to', 'cc', 'bcc']);

/**
 * Collects the fields an entity keeps (see `MimeEntity.fields`) from its
 * header lines as they arrive, line by line, unfolded (RFC 5322 §2.2.3:
 * CRLF removed) with the white space after the colon removed; a Subject's
 * folds become one space each. Which occurrence counts follows Dovecot,
 * whose ENVELOPE and BODYSTRUCTURE clients have long seen: the first
 * Content-* field, the last Subject, Date, Message-ID, In-Reply-To and
 * References, and all address fields, joined.
 */
export class HeaderCollector {
  readonly fields: Partial<Record<KeptField, string>> = {};
  private readonly wanted: Set<string>;
  private current: KeptField | null = null;
  private value = '';

  constructor(
    isMessage: boolean,
    private readonly budget: HeaderBudget,
  ) {
    this.wanted = isMessage ? MESSAGE : PART;
  }

  /** One physical header line (latin1), without its line break. */
  line(text: string): void {
    const first = text.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      if (this.current === 'subject') this.append(` ${text.replace(/^[ \t]+/, '')}`);
      else if (this.current) this.append(text);
      return;
    }
    this.finishField();
    const colon = text.indexOf(':');
    if (colon <= 0) return;
    const name = text.slice(0, colon).trimEnd().toLowerCase();
    if (!this.wanted.has(name)) return;
    if (name.startsWith('content-') && this.fields[name as KeptField] !== undefined) return;
    this.current = name as KeptField;
    this.value = '';
    this.append(text.slice(colon + 1).replace(/^[ \t]+/, ''));
  }

  /** Ends the header: the last field is kept. */
  finish(): void {
    this.finishField();
  }

  private append(text: string): void {
    const room = Math.min(MAX_FIELD_BYTES - this.value.length, this.budget.remaining);
    if (room <= 0) return;
    const piece = text.length > room ? text.slice(0, room) : text;
    this.value += piece;
    this.budget.remaining -= piece.length;
  }

  private finishField(): void {
    const name = this.current;
    if (!name) return;
    this.current = null;
    const value = name === 'subject' ? this.value.replace(/^ /, '') : this.value;
    const before = this.fields[name];
    this.fields[name] = ADDRESS_FIELDS.has(name) && before !== undefined ? `${before}, ${value}` : value;
  }
}
