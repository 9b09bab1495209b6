export { createFetchCommand } from './fetch-command.js';
export { MessageCache } from './message-cache.js';
export { type MessageBlob, MessageSource } from './message-source.js';
