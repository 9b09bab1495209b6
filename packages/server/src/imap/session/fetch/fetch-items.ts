import { flagNames, type MessageRecord } from '../../../store/index.js';
import {
  atom,
  bodyStructureValue,
  envelopeValue,
  type FetchAttribute,
  fetchResponseName,
  formatDateTime,
  type ResponseValue,
  type SimpleFetchItem,
} from '../../protocol/index.js';
import { binarySize, binaryValue } from './binary.js';
import { mimePartOf } from './body-structure.js';
import { envelopeOf } from './envelope.js';
import type { MessageSource } from './message-source.js';
import { partialOf, sectionData, sectionValue } from './sections.js';

/** One item of a FETCH response: its name as answered and its value. */
export type FetchItem = readonly [string, ResponseValue];

const WHOLE = { part: [], text: null, fields: [] } as const;
const HEADER = { part: [], text: 'HEADER', fields: [] } as const;
const TEXT = { part: [], text: 'TEXT', fields: [] } as const;

/** The FLAGS value of a message; `recent`: \Recent for an IMAP4rev1 session (RFC 3501 §2.3.2). */
export function flagsValue(record: MessageRecord, recent: boolean): ResponseValue {
  const names = flagNames(record.flags, record.keywords);
  if (recent) names.push('\\Recent');
  return names.map(atom);
}

async function simpleItem(
  source: MessageSource,
  record: MessageRecord,
  item: SimpleFetchItem,
  recent: boolean,
): Promise<ResponseValue> {
  switch (item) {
    case 'UID':
      return record.uid;
    case 'FLAGS':
      return flagsValue(record, recent);
    case 'MODSEQ':
      return [record.modseq];
    case 'INTERNALDATE':
      return formatDateTime(new Date(record.internalDate));
    case 'RFC822.SIZE':
      return record.size;
    case 'ENVELOPE':
      return envelopeValue(envelopeOf((await source.header(record)).root));
    case 'BODY':
    case 'BODYSTRUCTURE':
      return bodyStructureValue(mimePartOf((await source.structure(record)).root), item === 'BODYSTRUCTURE');
    case 'RFC822':
      return sectionValue(source, record, await sectionData(source, record, WHOLE));
    case 'RFC822.HEADER':
      return sectionValue(source, record, await sectionData(source, record, HEADER));
    case 'RFC822.TEXT':
      return sectionValue(source, record, await sectionData(source, record, TEXT));
  }
}

/** The value of one requested item for one message (RFC 9051 §6.4.5, RFC 3516, RFC 7162). */
export async function fetchItem(
  source: MessageSource,
  record: MessageRecord,
  attribute: FetchAttribute,
  recent = false,
): Promise<FetchItem> {
  const name = fetchResponseName(attribute);
  switch (attribute.kind) {
    case 'item':
      return [name, await simpleItem(source, record, attribute.item, recent)];
    case 'section': {
      const data = partialOf(await sectionData(source, record, attribute.section), attribute.partial);
      return [name, sectionValue(source, record, data)];
    }
    case 'binary':
      return [name, await binaryValue(source, record, attribute.part, attribute.partial)];
    case 'binary-size':
      return [name, await binarySize(source, record, attribute.part)];
  }
}

/** Destroys the streams of items built for a response that will not be sent (a later item failed). */
export function discardItems(items: readonly FetchItem[]): void {
  for (const [, value] of items) {
    if (value && typeof value === 'object' && 'stream' in value)
      (value.stream as { destroy?: () => void }).destroy?.();
  }
}
