/** Full-text search over mailboxes: the index (documents per body) and the query. */
export { MAX_BODY_CHARS, MAX_DOCUMENT_TOKENS, MAX_MESSAGE_BYTES, searchDocument } from './document.js';
export { createSearchIndexer, type SearchIndexer, type SearchIndexerDeps } from './indexer.js';
export { parseQuery, type SearchTerm } from './query.js';
export { type SearchOptions, searchMessages } from './search-messages.js';
export { documentTokens, queryTokens } from './tokens.js';
