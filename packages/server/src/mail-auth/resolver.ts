/**
 * A DNS lookup with `dns.promises.resolve`'s shape: what mailauth's `resolver`
 * option takes, and what the `dns/` module's `DnsResolver.resolve` offers
 * (node:dns answer shapes, node:dns error codes such as ENOTFOUND and ENODATA).
 */
export type DnsResolve = (name: string, rrtype: string) => Promise<unknown[]>;
