import { getServers } from 'node:dns';
import { isIP } from 'node:net';

/** One recursive DNS server to query. */
export interface DnsServer {
  host: string;
  port: number;
}

/**
 * Parses the `dns.servers` entries ("ip", "ip:port", "[ipv6]:port", or a bare
 * IPv6 address); an empty list means the system's resolvers, as node:dns
 * read them from /etc/resolv.conf.
 */
export function parseDnsServers(entries: readonly string[]): DnsServer[] {
  const list = entries.length > 0 ? entries : getServers();
  return list.map(parseOne);
}

function parseOne(entry: string): DnsServer {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(entry);
  if (bracketed) return checked(bracketed[1] ?? '', Number(bracketed[2]), entry);
  if (isIP(entry)) return checked(entry, 53, entry);
  const v4 = /^([\d.]+):(\d+)$/.exec(entry);
  if (v4) return checked(v4[1] ?? '', Number(v4[2]), entry);
  throw new Error(`dns.servers: "${entry}" is not an IP address with an optional port`);
}

function checked(host: string, port: number, entry: string): DnsServer {
  if (!isIP(host) || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`dns.servers: "${entry}" is not an IP address with an optional port`);
  }
  return { host, port };
}
