import { MimeNode } from '@zone-eu/mailsplit';
import { normalizeAddress } from '../shared/index.js';
import { splitHeaderSection } from './headers.js';
import { headerValue, mailboxes } from './index-headers.js';

export type AuthorField = 'From' | 'Sender';

export interface Authors {
  /** False when the header section does not end within the bytes given: more headers may follow. */
  complete: boolean;
  /** Every From and Sender header, in order, with the canonical addresses a reader is shown. */
  fields: { field: AuthorField; addresses: string[] }[];
}

const FIELDS: Record<string, AuthorField> = { from: 'From', sender: 'Sender' };

/**
 * Who a message says wrote it: the mailboxes of every `From:` and `Sender:` header (RFC 5322
 * §3.6.2), decoded as the index and mail clients read them (an address hidden in an encoded word
 * counts as that address), in the canonical form addresses are stored in. A header that names
 * no address at all has an empty list: a reader is shown only its text. `whole` says `head` is
 * the whole message, so a message that is all header is complete too.
 */
export function authorsOf(head: Buffer, whole: boolean): Authors {
  const split = splitHeaderSection(head);
  const node = new MimeNode(false);
  node.addHeaderChunk(head.subarray(0, split?.headerEnd ?? head.length));
  node.parseHeaders();
  const fields: Authors['fields'] = [];
  for (const { key, line } of node.headers ? node.headers.getList() : []) {
    const field = FIELDS[key];
    if (!field) continue;
    const addresses = mailboxes([headerValue(line)])
      .map((m) => normalizeAddress(m.address))
      .filter((a) => a !== '');
    fields.push({ field, addresses });
  }
  return { complete: split !== undefined || whole, fields };
}
