export { parseScopes } from './api-keys.js';
export { createDirectory, type DirectoryDeps } from './directory.js';
export { hashPassword, verifyPassword } from './passwords.js';
export * from './types.js';
