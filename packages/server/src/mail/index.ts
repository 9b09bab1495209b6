export { attachmentId, findAttachment } from './attachment.js';
export { receivedHeader, rfc5322Date, type TraceInput } from './headers.js';
export { createMailService, type MailServiceDeps } from './mail-service.js';
export * from './mime/index.js';
export {
  needsSmtpUtf8,
  type OutboundPlanInput,
  type OutboundQueue,
  type StoredEvent,
  type TraceRecorder,
} from './outbound.js';
export type * from './types.js';
export { createUploadStore, type StoredUpload, type UploadInfo, type UploadStore } from './uploads.js';
