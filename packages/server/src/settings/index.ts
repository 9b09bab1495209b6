/**
 * Users' own settings (issue 21): language, signature, auto-reply
 * (vacation) and forwarding, and the step after delivery that carries out
 * the last two. The module's only public face.
 */
export { type AfterDeliveryDeps, createAfterDelivery } from './after-delivery.js';
export { sanitizeSignatureHtml } from './sanitize.js';
export { createSendNew, type NewMessage, type SendNew } from './send-new.js';
export { type AccountSettings, createUserSettingsService, type UserSettingsService } from './service.js';
export { createSettingsStore, type SettingsStore } from './settings-store.js';
export * from './types.js';
