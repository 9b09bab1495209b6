export { createSmtpListener, type SmtpListener, type SmtpListenerDeps, type SmtpMode } from './listener.js';
export { createReverseLookup, type ReverseLookup } from './reverse-dns.js';
