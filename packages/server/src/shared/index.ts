export { aLabelsValid, normalizeAddress, normalizeDomain, splitAddress } from './addresses.js';
export { AppError, codeChain, type ErrorCode, ErrorCodes, isAppError, isStorageFull } from './errors.js';
export { newId } from './ids.js';
export { hasControlCharacters, storableText } from './text.js';
