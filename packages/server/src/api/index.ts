export { type ApiDeps, createApiApp } from './app.js';
export { API_VERSION } from './openapi/document.js';
export { findWebmailDist } from './webmail/locate.js';
