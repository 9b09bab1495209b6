export { aLabelsValid, normalizeAddress, normalizeDomain, splitAddress } from './addresses.js';
export { AppError, codeChain, type ErrorCode, ErrorCodes, isAppError, isStorageFull } from './errors.js';
export { newId, uuidV7 } from './ids.js';
export { ipNetworkError, splitIpList } from './ip-networks.js';
export { MAX_QUOTA_BYTES } from './limits.js';
export { hasControlCharacters, storableText } from './text.js';
