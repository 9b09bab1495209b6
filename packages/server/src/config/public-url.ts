import type { Config } from './schema.js';

/**
 * The base URL clients reach the HTTP listener at, without a trailing slash:
 * `http.publicUrl` when set, else `http://<hostname>:<port>` with the port the
 * listener really got (port 0 picks one at start).
 */
export function publicBaseUrl(config: Pick<Config, 'http' | 'hostname'>, httpPort: number): string {
  if (config.http.publicUrl) return config.http.publicUrl.replace(/\/+$/, '');
  return `http://${config.hostname}:${httpPort}`;
}
