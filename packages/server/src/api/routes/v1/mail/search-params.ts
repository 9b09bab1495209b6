import { Type } from 'typebox';
import type { MessageSearchOptions } from '../../../../mail/index.js';
import { AppError } from '../../../../shared/index.js';
import { Timestamp } from '../../../schemas/common.js';

/**
 * The list route's search parameters (`GET /users/{address}/messages?q=…`). Any of them makes
 * the list a search: over every mailbox unless `mailbox` is given, newest first by arrival.
 */
export const SearchQuery = {
  q: Type.Optional(
    Type.String({
      maxLength: 500,
      description:
        'Search words (subject, from, to/cc, body text, attachment names): Latin words match by prefix in any ' +
        'case, Chinese as a substring (traditional and full-width forms too); `"a phrase"`; `from:`, `to:`, ' +
        '`subject:`, `filename:` before a word or phrase restrict it to that field. Searches every mailbox ' +
        'unless `mailbox` is given.',
    }),
  ),
  flagged: Type.Optional(Type.Boolean({ description: 'Search: true only flagged, false only unflagged' })),
  hasAttachment: Type.Optional(
    Type.Boolean({ description: 'Search: with (true) or without (false) attachments' }),
  ),
  since: Type.Optional(Timestamp('Search: received at or after this time')),
  before: Type.Optional(Timestamp('Search: received before this time')),
};

/** The list route's query string, as far as a search reads it. */
export interface ListQuery {
  mailbox?: string;
  unread?: boolean;
  limit?: number;
  cursor?: string;
  q?: string;
  flagged?: boolean;
  hasAttachment?: boolean;
  since?: string;
  before?: string;
}

/** Whether the list request is a search (any search parameter given). */
export const isSearch = (query: ListQuery): boolean =>
  query.q !== undefined ||
  query.flagged !== undefined ||
  query.hasAttachment !== undefined ||
  query.since !== undefined ||
  query.before !== undefined;

const epochMs = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new AppError('VALIDATION_FAILED', `${name} must be a date and time`);
  return ms;
};

/** The search options of a list request. */
export function searchOptionsOf(query: ListQuery): MessageSearchOptions {
  return {
    q: query.q,
    mailbox: query.mailbox,
    unread: query.unread,
    flagged: query.flagged,
    hasAttachment: query.hasAttachment,
    since: epochMs('since', query.since),
    before: epochMs('before', query.before),
    limit: query.limit ?? 50,
    cursor: query.cursor,
  };
}
