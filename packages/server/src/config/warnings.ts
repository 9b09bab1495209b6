import type { Config } from './schema.js';

/**
 * Settings that work but are probably not what a production server wants,
 * each as one sentence saying what to set. `main.ts` logs them at start.
 */
export function startupWarnings(config: Pick<Config, 'hostname' | 'http'>): string[] {
  const warnings: string[] = [];
  if (!config.hostname.includes('.')) {
    warnings.push(
      `hostname "${config.hostname}" is not a fully qualified domain name: SMTP greetings, Received headers and Message-IDs carry it, and other mail servers may refuse it; set hostname (JDMAIL_HOSTNAME) to the name clients reach this server at, e.g. mail.example.com`,
    );
  }
  if (!config.http.publicUrl) {
    warnings.push(
      'http.publicUrl is not set: login links and SSO callbacks use the host each API call was addressed to, so an integration that calls jdmail at an internal address hands employees links to that address; set http.publicUrl (JDMAIL_HTTP_PUBLIC_URL) to the URL users reach jdmail at, e.g. https://mail.example.com',
    );
  }
  return warnings;
}
