/**
 * The TLS material every listener shares (SMTP STARTTLS, POP3 STLS and POP3S,
 * IMAP STARTTLS and IMAPS): one certificate and key, from `smtp.tlsCertFile`
 * and `smtp.tlsKeyFile`, or the self-signed pair made at init. The module's only public face.
 */
export { loadTls, type TlsMaterial } from './load.js';
