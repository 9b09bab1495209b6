import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * A DNS lookup with `dns.promises.resolve`'s shape: what mailauth's `resolver`
 * option takes, and what the `dns/` module's `DnsResolver.resolve` offers
 * (node:dns answer shapes, node:dns error codes such as ENOTFOUND and ENODATA).
 */
export type DnsResolve = (name: string, rrtype: string) => Promise<unknown[]>;

/**
 * A resolver over node:dns that asks `servers` ("ip", "ip:port", "[ipv6]:port";
 * none: the system's). It caches nothing: the stand-in until the `dns/`
 * module's cached resolver is wired in its place.
 */
export function createDnsResolve(servers: readonly string[], timeoutMs = 5000): DnsResolve {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length > 0) {
    for (const s of servers) {
      const host = s.replace(/^\[|\](:\d+)?$|:\d+$/g, '');
      if (!isIP(host) && !isIP(s)) throw new Error(`mailAuth.dnsServers: "${s}" is not an IP address`);
    }
    resolver.setServers([...servers]);
  }
  return (name, rrtype) => resolver.resolve(name, rrtype) as Promise<unknown[]>;
}
