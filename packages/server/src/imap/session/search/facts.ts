import type { MessageRecord } from '../../../store/index.js';
import type { DayNumber } from './search-dates.js';
import { foldText } from './text-fold.js';

/**
 * What a search key may need of a message, cheapest first: its state in
 * the UID list (flags, keywords, modseq, UID, sequence number), its store
 * record (size, internal date, the delivery index: subject and addresses),
 * its header section, its body text.
 */
export const TIER = { state: 0, record: 1, header: 2, body: 3 } as const;
export type Tier = (typeof TIER)[keyof typeof TIER];

/** The top-level header as searched: fields decoded and folded, and the day of its Date. */
export interface HeaderFacts {
  readonly fields: ReadonlyArray<readonly [name: string, value: string]>;
  readonly sent: DayNumber | null;
}

/** One message as the matcher sees it; later tiers are filled in as keys need them. */
export interface MessageFacts {
  readonly uid: number;
  readonly seq: number;
  readonly flags: number;
  readonly keywords: readonly string[];
  readonly modseq: number;
  /** IMAP4rev1 \Recent in this session (never once IMAP4rev2 is enabled). */
  readonly recent: boolean;
  readonly record: MessageRecord | null;
  header: HeaderFacts | null;
  /** Needles of BODY and TEXT keys found in the body text. */
  body: ReadonlySet<string> | null;
  /** The index's subject and addresses, folded once (see {@link indexText}). */
  folded?: IndexText;
}

/** The delivery index's fields, folded for matching. */
export interface IndexText {
  readonly subject: string;
  readonly from: string;
  readonly to: string;
  readonly cc: string;
}

const address = (a: { name: string; address: string }) => (a.name ? `${a.name} <${a.address}>` : a.address);

/** FROM, TO, CC and SUBJECT read the delivery index (decoded encoded words, IDN domains in Unicode). */
export function indexText(facts: MessageFacts): IndexText | null {
  if (facts.folded) return facts.folded;
  const index = facts.record?.index;
  if (!index) return null;
  facts.folded = {
    subject: foldText(index.subject),
    from: foldText(index.from.address || index.from.name ? address(index.from) : ''),
    to: foldText(index.to.map(address).join(', ')),
    cc: foldText(index.cc.map(address).join(', ')),
  };
  return facts.folded;
}
