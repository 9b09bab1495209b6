/** Where clamd listens: a TCP host and port, or a unix socket path. */
export type ClamdAddress = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

/**
 * Parses the `virus.clamd` setting: `tcp://HOST:PORT` (IPv6 in brackets,
 * `tcp://[::1]:3310`) or `unix:/PATH`. Throws an Error naming the value's
 * problem (the config loader shows it at start).
 */
export function parseClamdAddress(value: string): ClamdAddress {
  if (value.startsWith('unix:')) {
    const path = value.slice('unix:'.length);
    if (!path.startsWith('/')) throw new Error(`clamd socket path must be absolute: ${value}`);
    return { kind: 'unix', path };
  }
  const m = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):([0-9]{1,5})$/.exec(value);
  if (!m) throw new Error(`clamd address must be tcp://HOST:PORT or unix:/PATH, not ${value}`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new Error(`clamd port out of range: ${value}`);
  const host = (m[1] as string).replace(/^\[(.*)\]$/, '$1');
  return { kind: 'tcp', host, port };
}

/** The address as `virus.clamd` writes it, for logs. */
export const formatClamdAddress = (a: ClamdAddress): string =>
  a.kind === 'unix' ? `unix:${a.path}` : `tcp://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
