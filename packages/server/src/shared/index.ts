export { AppError, type ErrorCode, ErrorCodes, isAppError } from './errors.js';
export { newId, normalizeAddress, splitAddress } from './ids.js';
