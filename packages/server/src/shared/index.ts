export { AppError, codeChain, type ErrorCode, ErrorCodes, isAppError, isStorageFull } from './errors.js';
export { newId, normalizeAddress, splitAddress } from './ids.js';
